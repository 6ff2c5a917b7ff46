"""Input and output serializers of /v1.

Input serializers validate request bodies (a failure is a 400 problem with per-field ``errors``)
and hand plain values to services; they never save anything. Output serializers describe the
public shape for OpenAPI; the rendering itself is ``marketplace.rendering`` (shared with events
and webhooks), which ``to_representation`` delegates to. ``api/v1/tests/test_schema.py`` checks
the two never drift apart.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.models import Application, Challenge, Message
from marketplace.rendering import (
    application_render,
    challenge_render,
    message_render,
    review_render,
)

METADATA_MAX_KEYS = 50
METADATA_KEY_MAX_LENGTH = 40
METADATA_VALUE_MAX_LENGTH = 500
LABEL_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 +#.\-_]{0,49}$"


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers and booleans instead of quietly turning them into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class MetadataField(serializers.DictField):
    """Up to 50 string key/value pairs for the client's own use (keys ≤ 40, values ≤ 500
    characters). In updates, a ``null`` or empty value removes the key."""

    def __init__(self, *, allow_null_values: bool = False, **kwargs):
        child = StrictCharField(
            max_length=METADATA_VALUE_MAX_LENGTH,
            allow_blank=allow_null_values,
            allow_null=allow_null_values,
            trim_whitespace=False,
        )
        super().__init__(child=child, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if len(value) > METADATA_MAX_KEYS:
            raise serializers.ValidationError(f"At most {METADATA_MAX_KEYS} keys.")
        for key in value:
            if not key or len(key) > METADATA_KEY_MAX_LENGTH or "\x00" in key:
                raise serializers.ValidationError(
                    f"Keys are 1-{METADATA_KEY_MAX_LENGTH} characters."
                )
        return value


def _labels(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.RegexField(LABEL_PATTERN, max_length=50),
        max_length=20,
        required=False,
        help_text=help_text,
    )


class RewardSerializer(serializers.Serializer):
    amount = serializers.IntegerField(
        min_value=0, max_value=10**12, help_text="In the currency's minor unit (cents)."
    )
    currency = serializers.RegexField(
        r"^[A-Za-z]{3}$", help_text="ISO 4217 code, e.g. `usd`; returned in lowercase."
    )


# --- Input: challenges


class ChallengeCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Challenge.Category.choices, required=False)
    tags = _labels("Up to 20 labels; stored in lowercase.")
    skills = _labels("Up to 20 skills; stored in lowercase.")
    reward = RewardSerializer(required=False, allow_null=True)
    deadline = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Must be in the future."
    )
    location = serializers.CharField(
        max_length=200, required=False, allow_blank=True, allow_null=True
    )
    remote = serializers.BooleanField(required=False)
    max_applications = serializers.IntegerField(
        min_value=1, max_value=100000, required=False, allow_null=True
    )
    metadata = MetadataField(required=False)

    def service_arguments(self) -> dict:
        """The validated body as ``challenge_create``/``challenge_update`` keyword arguments."""
        data = dict(self.validated_data)
        arguments = {}
        for name, value in data.items():
            if name == "reward":
                arguments["reward_amount"] = value["amount"] if value else None
                arguments["reward_currency"] = value["currency"] if value else ""
            elif name == "remote":
                arguments["is_remote"] = value
            elif name == "location":
                arguments["location"] = value or ""
            else:
                arguments[name] = value
        return arguments


class ChallengeUpdateSerializer(ChallengeCreateSerializer):
    title = serializers.CharField(max_length=200, required=False)
    metadata = MetadataField(required=False, allow_null_values=True)


# --- Input: applications, messages, reviews


class ApplicantSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    external_id = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The applicant's id in your system.",
    )


class ApplicationCreateSerializer(serializers.Serializer):
    applicant = ApplicantSerializer()
    pitch = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    links = serializers.ListField(
        child=serializers.URLField(max_length=500), max_length=10, required=False
    )
    metadata = MetadataField(required=False)

    def service_arguments(self) -> dict:
        data = dict(self.validated_data)
        applicant = data.pop("applicant")
        return {
            "applicant_name": applicant["name"],
            "applicant_email": applicant["email"],
            "applicant_external_id": applicant.get("external_id") or "",
            **data,
        }


class ApplicationUpdateSerializer(serializers.Serializer):
    pitch = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    links = serializers.ListField(
        child=serializers.URLField(max_length=500), max_length=10, required=False
    )
    score = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    metadata = MetadataField(required=False, allow_null_values=True)


class MessageCreateSerializer(serializers.Serializer):
    author = serializers.ChoiceField(
        choices=Message.Author.choices, help_text="Which side wrote the message."
    )
    body = serializers.CharField(max_length=10000)


class ReviewCreateSerializer(serializers.Serializer):
    application = serializers.CharField(max_length=40, help_text="An accepted application.")
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class BatchOperationSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=["GET", "POST", "PATCH", "DELETE"])
    path = serializers.RegexField(
        r"^/v1/[A-Za-z0-9_/\-.?=&%\[\],:+@]*$",
        max_length=2000,
        help_text="A /v1 path, with its query string if any; not /v1/batch itself.",
    )
    body = serializers.DictField(required=False, allow_null=True)


class BatchSerializer(serializers.Serializer):
    operations = BatchOperationSerializer(many=True, min_length=1, max_length=100)
    atomic = serializers.BooleanField(
        default=False,
        help_text="All or nothing: if any operation fails, none of them takes effect.",
    )


# --- Output (OpenAPI shapes; rendering in marketplace.rendering)


class _RenderedSerializer(serializers.Serializer):
    render = None

    def to_representation(self, instance):
        return instance if isinstance(instance, dict) else type(self).render(instance)


class ApplicantOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()
    external_id = serializers.CharField(allow_null=True)


class ChallengeSerializer(_RenderedSerializer):
    render = staticmethod(challenge_render)

    id = serializers.CharField(help_text="`chl_…`")
    object = serializers.ChoiceField(choices=["challenge"])
    livemode = serializers.BooleanField(help_text="`false` for sandbox (test key) data.")
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    category = serializers.ChoiceField(choices=Challenge.Category.choices)
    tags = serializers.ListField(child=serializers.CharField())
    skills = serializers.ListField(child=serializers.CharField())
    reward = RewardSerializer(allow_null=True)
    deadline = serializers.DateTimeField(allow_null=True)
    location = serializers.CharField(allow_null=True)
    remote = serializers.BooleanField()
    max_applications = serializers.IntegerField(allow_null=True)
    application_count = serializers.IntegerField(
        help_text="Applications received, withdrawn ones excluded."
    )
    status = serializers.ChoiceField(choices=Challenge.Status.choices)
    metadata = serializers.DictField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    awarded_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "The challenge's id (`chl_…`)."},
            {"$ref": "#/components/schemas/Challenge"},
        ]
    }
)
class ExpandableChallengeField(serializers.Field):
    pass


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "The application's id (`app_…`)."},
            {"$ref": "#/components/schemas/Application"},
        ]
    }
)
class ExpandableApplicationField(serializers.Field):
    pass


class ApplicationSerializer(_RenderedSerializer):
    render = staticmethod(application_render)

    id = serializers.CharField(help_text="`app_…`")
    object = serializers.ChoiceField(choices=["application"])
    livemode = serializers.BooleanField()
    challenge = ExpandableChallengeField(help_text="Id, or the object with `expand=challenge`.")
    applicant = ApplicantOutputSerializer()
    pitch = serializers.CharField(allow_blank=True)
    links = serializers.ListField(child=serializers.URLField())
    score = serializers.IntegerField(allow_null=True, min_value=0, max_value=100)
    status = serializers.ChoiceField(choices=Application.Status.choices)
    metadata = serializers.DictField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class MessageSerializer(_RenderedSerializer):
    render = staticmethod(message_render)

    id = serializers.CharField(help_text="`msg_…`")
    object = serializers.ChoiceField(choices=["message"])
    livemode = serializers.BooleanField()
    application = ExpandableApplicationField(
        help_text="Id, or the object with `expand=application`."
    )
    author = serializers.ChoiceField(choices=Message.Author.choices)
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReviewSerializer(_RenderedSerializer):
    render = staticmethod(review_render)

    id = serializers.CharField(help_text="`rev_…`")
    object = serializers.ChoiceField(choices=["review"])
    livemode = serializers.BooleanField()
    application = ExpandableApplicationField(
        help_text="Id, or the object with `expand=application`."
    )
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class EventDataSerializer(serializers.Serializer):
    object = serializers.DictField(
        help_text="The object as the API rendered it at the time of the change."
    )


class EventSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`evt_…`")
    object = serializers.ChoiceField(choices=["event"])
    type = serializers.CharField(help_text="e.g. `challenge.published`.")
    created_at = serializers.DateTimeField(help_text="RFC 3339, UTC.")
    livemode = serializers.BooleanField()
    request_id = serializers.CharField(allow_null=True)
    data = EventDataSerializer()

    def to_representation(self, instance):
        return instance.as_payload()


class DeletedSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField()
    deleted = serializers.BooleanField()


def partial_serializer(serializer_class: type[serializers.Serializer], name: str):
    """A copy of an output serializer whose fields are optional except ``id`` and ``object``:
    the shape of list items, which ``?fields=`` may trim."""

    class Partial(serializer_class):
        def get_fields(self):
            fields = super().get_fields()
            for field_name, field in fields.items():
                field.required = field_name in ("id", "object")
            return fields

    Partial.__name__ = Partial.__qualname__ = name
    return Partial


def list_serializer(item_class: type[serializers.Serializer], name: str):
    class ListEnvelope(serializers.Serializer):
        object = serializers.ChoiceField(choices=["list"])
        data = item_class(many=True)
        has_more = serializers.BooleanField()
        next_cursor = serializers.CharField(
            allow_null=True, help_text="Pass as `cursor` to get the next page; null at the end."
        )
        total = serializers.IntegerField(
            required=False, help_text="With `offset` paging only: the number of matches."
        )

    ListEnvelope.__name__ = ListEnvelope.__qualname__ = name
    return ListEnvelope


ChallengeListSerializer = list_serializer(
    partial_serializer(ChallengeSerializer, "ChallengeItemSerializer"), "ChallengeListSerializer"
)
ApplicationListSerializer = list_serializer(
    partial_serializer(ApplicationSerializer, "ApplicationItemSerializer"),
    "ApplicationListSerializer",
)
MessageListSerializer = list_serializer(
    partial_serializer(MessageSerializer, "MessageItemSerializer"), "MessageListSerializer"
)
ReviewListSerializer = list_serializer(
    partial_serializer(ReviewSerializer, "ReviewItemSerializer"), "ReviewListSerializer"
)
EventListSerializer = list_serializer(EventSerializer, "EventListSerializer")
