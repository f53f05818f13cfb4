from django.urls import path

from .views import SubscriptionCreateView

urlpatterns = [path("subscriptions/", SubscriptionCreateView.as_view(), name="subscription-create")]
