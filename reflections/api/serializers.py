"""Serializers of the open-data API on workshop documentation and quality criteria (read only)."""

from rest_framework import serializers

from core.links import absolute_path, absolute_url

from ..models import Commitment, QualityCriterion, ResultPhoto


class CommitmentSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Commitment
        fields = ["what", "who", "due_date", "status", "status_label", "status_changed_at"]


class ResultPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ResultPhoto
        fields = ["url", "alt_text", "caption"]

    def get_url(self, obj) -> str:
        return absolute_path(obj.get_image_url())


class FigureSerializer(serializers.Serializer):
    """An average with its count; both are null (and `suppressed` true) below the public minimum of 5."""

    n = serializers.IntegerField(allow_null=True)
    average = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()


class FeedbackCriterionSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    statement = serializers.CharField()
    average = serializers.FloatField(allow_null=True)


class FeedbackSummarySerializer(serializers.Serializer):
    n = serializers.IntegerField()
    overall = serializers.FloatField(allow_null=True)
    felt_heard = serializers.FloatField(allow_null=True)
    knows_next_steps = serializers.FloatField(allow_null=True)
    would_return = serializers.DictField(
        child=serializers.IntegerField(allow_null=True), help_text="Counts of yes/maybe/no; null where below 5."
    )
    criteria = FeedbackCriterionSerializer(many=True)


class DocumentationListSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    district = serializers.CharField(source="district.slug")
    starts_at = serializers.DateTimeField()
    status = serializers.CharField()
    url = serializers.SerializerMethodField()
    documentation_url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return absolute_path(obj.get_absolute_url())

    def get_documentation_url(self, obj) -> str:
        return absolute_url("reflections:documentation", slug=obj.slug)


class DocumentationSerializer(DocumentationListSerializer):
    summary = serializers.CharField(help_text="The joint public summary (empty while not yet written).")
    attendance = serializers.IntegerField(allow_null=True, help_text="People who took part; null below 5.")
    commitments = CommitmentSerializer(many=True)
    feedback = FeedbackSummarySerializer(
        allow_null=True, help_text="Participant survey results; null while fewer than 5 people answered."
    )
    photos = ResultPhotoSerializer(many=True)


class QualityCriterionSerializer(serializers.ModelSerializer):
    guiding_questions = serializers.ListField(child=serializers.CharField(), source="guiding_question_list")

    class Meta:
        model = QualityCriterion
        fields = ["slug", "name", "description", "guiding_questions", "order", "is_active", "retired_at"]


class PeriodFigureSerializer(FigureSerializer):
    period = serializers.CharField(help_text='Quarter, e.g. "Q2/2026".')


class CriterionFiguresSerializer(serializers.Serializer):
    criterion = QualityCriterionSerializer()
    facilitators = FigureSerializer(help_text="Facilitators' ratings (1–5) in submitted reflections.")
    participants = FigureSerializer(help_text="Participants' perception (1–5) in the anonymous survey.")
    periods = PeriodFigureSerializer(many=True)
