from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Decision, Recommendation


class DecisionSerializer(serializers.ModelSerializer):
    """How the recommendation was decided (modelled on OParl 1.1: body, date, paper reference and link)."""

    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    body_kind_label = serializers.CharField(source="get_body_kind_display", read_only=True)
    url = serializers.CharField(source="link", read_only=True)
    oparl_paper = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "outcome",
            "outcome_label",
            "body_kind",
            "body_kind_label",
            "body_name",
            "decided_on",
            "reference",
            "url",
            "oparl_paper",
        ]

    def get_oparl_paper(self, obj) -> str | None:
        return obj.paper.oparl_id if obj.paper_id else None


class OwnersSerializer(serializers.Serializer):
    """Who answers for the recommendation: the unit; people only by name (no e-mail addresses)."""

    unit = serializers.CharField(allow_null=True)
    unit_kind = serializers.CharField(allow_null=True)
    people = serializers.ListField(child=serializers.CharField())


class RecommendationCommitmentSerializer(serializers.Serializer):
    """A public commitment from a workshop the recommendation came from."""

    what = serializers.CharField()
    workshop = serializers.CharField(source="workshop.slug")
    responsible = serializers.SerializerMethodField()
    due = serializers.DateField(source="due_date", allow_null=True)
    overdue = serializers.BooleanField(source="is_overdue")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    progress = serializers.IntegerField()
    statement = serializers.CharField()
    drop_reason = serializers.CharField()

    def get_responsible(self, obj) -> str:
        return obj.unit.name if obj.unit_id and obj.unit else obj.who


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
    decision = serializers.SerializerMethodField()
    owners = serializers.SerializerMethodField()
    due = serializers.DateField(source="due_date", read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()
    commitments = serializers.SerializerMethodField()

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
            "statement",
            "council_reference",
            "decision",
            "owners",
            "due",
            "overdue",
            "commitments",
        ]

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, obj) -> dict | None:
        decision = obj.decision if hasattr(obj, "decision") else None
        return DecisionSerializer(decision).data if decision is not None else None

    @extend_schema_field(OwnersSerializer)
    def get_owners(self, obj) -> dict:
        unit = obj.owner_unit
        return {
            "unit": unit.name if unit else (obj.responsible_unit or None),
            "unit_kind": unit.kind if unit else None,
            "people": [user.get_full_name() for user in obj.owners.all()],
        }

    def get_overdue(self, obj) -> bool:
        today = self.context.get("today") or timezone.localdate()
        return obj.in_follow_up and obj.due_date is not None and obj.due_date < today

    @extend_schema_field(RecommendationCommitmentSerializer(many=True))
    def get_commitments(self, obj) -> list[dict]:
        commitments = [c for workshop in obj.workshops.all() for c in workshop.commitments.all() if c.public]
        return list(RecommendationCommitmentSerializer(commitments, many=True).data)

    def get_insights(self, obj) -> list[str]:
        return [
            insight.text
            for insight in obj.insights.all()
            if insight.public and insight.reflection.status == "submitted"
        ]

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
