from rest_framework import serializers

from core import hooks

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


class DistrictDetailSerializer(DistrictSerializer):
    """One district, with the fields higher apps add (e.g. planning's `eigenregie_stage`)."""

    def get_fields(self):
        fields = super().get_fields()
        for provider in hooks.DISTRICT_DETAIL_API_FIELDS:
            fields.update(provider())
        return fields
