"""Open-data API of concepts (versions and runs) and the district's Eigenregie stage."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import ConceptAgendaItem, ConceptTask, ConceptVersion, DistrictStage, WorkshopPlan


class EigenregieStageField(serializers.ChoiceField):
    """A district's stage on the path to Eigenregie (prototyp / tandem / eigenregie), derived from its
    workshops; added to the district detail of the districts app through core.api_extras."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        kwargs.setdefault("help_text", "Stage of the district on the path Prototyp → Tandem → Eigenregie.")
        super().__init__(choices=DistrictStage.values, **kwargs)

    def to_representation(self, value: Any) -> str:
        from .. import selectors

        return selectors.district_stage_of(district=value)


class AgendaSerializer(serializers.ModelSerializer):
    method = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = ConceptAgendaItem
        fields = ["order", "title", "duration_minutes", "method"]


class TimelineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConceptTask
        fields = ["title", "offset_days", "role"]


class RunSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="workshop.slug")
    title = serializers.CharField(source="workshop.title")
    district = serializers.CharField(source="workshop.district.slug")
    starts_at = serializers.DateTimeField(source="workshop.starts_at")
    status = serializers.CharField(source="workshop.status")
    run_by = serializers.CharField(source="workshop.run_by")
    url = serializers.SerializerMethodField()

    class Meta:
        model = WorkshopPlan
        fields = ["slug", "title", "district", "starts_at", "status", "run_by", "url"]

    def get_url(self, plan: WorkshopPlan) -> str:
        request = self.context.get("request")
        path = plan.workshop.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class VersionSerializer(serializers.ModelSerializer):
    format = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    agenda = AgendaSerializer(many=True, read_only=True)
    timeline = TimelineSerializer(many=True, read_only=True)
    taken_up = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    runs = RunSerializer(source="plans", many=True, read_only=True)

    class Meta:
        model = ConceptVersion
        fields = [
            "number",
            "created_at",
            "goal",
            "participation_level",
            "format",
            "duration_minutes",
            "target_groups",
            "roles_needed",
            "materials",
            "accessibility_checklist",
            "invitation_text",
            "change_log",
            "taken_up",
            "agenda",
            "timeline",
            "runs",
        ]


class ConceptSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.SerializerMethodField()
    versions = VersionSerializer(many=True, read_only=True)

    def get_url(self, concept: Any) -> str:
        request = self.context.get("request")
        path = concept.get_absolute_url()
        return request.build_absolute_uri(path) if request else path
