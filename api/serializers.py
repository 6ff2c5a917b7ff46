"""Output serializers of the gateway's own endpoints (/v1/me)."""

from rest_framework import serializers


class MeTenantSerializer(serializers.Serializer):
    id = serializers.CharField(source="slug")
    name = serializers.CharField()
    livemode = serializers.BooleanField()


class MeKeySerializer(serializers.Serializer):
    id = serializers.CharField(source="key_id")
    name = serializers.CharField(source="key_name")
    mode = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    display = serializers.CharField()
    expires_at = serializers.DateTimeField(source="key_expires_at", allow_null=True)


class MePlanSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    included_calls = serializers.IntegerField(allow_null=True)
    is_hard_cap = serializers.BooleanField()


class MeLimitsSerializer(serializers.Serializer):
    rate_per_second = serializers.IntegerField()
    burst = serializers.IntegerField()
    remaining = serializers.IntegerField()
    reset_seconds = serializers.IntegerField()
    is_degraded = serializers.BooleanField()


class MeUsageSerializer(serializers.Serializer):
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    billable_calls = serializers.IntegerField(allow_null=True)
    included_calls = serializers.IntegerField(allow_null=True)
    overage_calls = serializers.IntegerField(allow_null=True)


class MeSerializer(serializers.Serializer):
    object = serializers.CharField()
    tenant = MeTenantSerializer()
    key = MeKeySerializer()
    plan = MePlanSerializer()
    limits = MeLimitsSerializer()
    usage = MeUsageSerializer()
