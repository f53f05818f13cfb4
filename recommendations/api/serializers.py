from rest_framework import serializers

from ..models import Recommendation


class RecommendationSerializer(serializers.ModelSerializer):
    """Public fields of a recommendation with its evidence (workshops, insights) and status history."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    field = serializers.CharField(source="field.name", read_only=True)
    addressee_label = serializers.CharField(source="get_addressee_display", read_only=True)
    districts = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    workshops = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    insights = serializers.SerializerMethodField()
    status_history = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "slug",
            "title",
            "text",
            "rationale",
            "status",
            "status_label",
            "status_changed_at",
            "rejection_reason",
            "field",
            "addressee",
            "addressee_label",
            "responsible_unit",
            "city_wide",
            "districts",
            "priority",
            "due_date",
            "progress",
            "workshops",
            "insights",
            "status_history",
            "url",
        ]

    def get_insights(self, obj) -> list[str]:
        return [insight.text for insight in obj.insights.all() if insight.reflection.status == "submitted"]

    def get_status_history(self, obj) -> list[dict]:
        return [
            {"at": entry.created_at, "from": entry.from_status, "to": entry.to_status, "note": entry.note}
            for entry in obj.history.all()
            if entry.kind == "status"
        ]

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path
