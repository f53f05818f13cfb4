from rest_framework import serializers

from ..models import District, Quarter


class QuarterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Quarter
        fields = ["name", "slug", "population"]


class DistrictSerializer(serializers.ModelSerializer):
    quarters = QuarterSerializer(many=True, read_only=True)

    class Meta:
        model = District
        fields = ["number", "name", "slug", "population", "population_as_of", "quarters"]
