"""JSON schemas of the KEDA objects the chart renders (keda.sh/v1alpha1).

kubernetes-validate ships only the built-in Kubernetes kinds, so the KEDA custom resources
are checked against these: the parts of KEDA's CRDs (config/crd/bases/keda.sh_scaledobjects
.yaml and keda.sh_triggerauthentications.yaml in kedacore/keda) the chart uses, closed with
additionalProperties: false like kubernetes-validate's strict mode, so a misspelt field fails.
"""

from __future__ import annotations

from typing import Any

import jsonschema

_METADATA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "namespace": {"type": "string"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["name"],
    "additionalProperties": False,
}

_INT32 = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}

SCALED_OBJECT = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "kind": {"const": "ScaledObject"},
        "metadata": _METADATA,
        "spec": {
            "type": "object",
            "required": ["scaleTargetRef", "triggers"],
            "additionalProperties": False,
            "properties": {
                "scaleTargetRef": {
                    "type": "object",
                    "required": ["name"],
                    "additionalProperties": False,
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "name": {"type": "string"},
                        "envSourceContainerName": {"type": "string"},
                    },
                },
                "pollingInterval": _INT32,
                "cooldownPeriod": _INT32,
                "idleReplicaCount": _INT32,
                "minReplicaCount": _INT32,
                "maxReplicaCount": _INT32,
                "advanced": {"type": "object"},
                "fallback": {
                    "type": "object",
                    "required": ["failureThreshold", "replicas"],
                    "additionalProperties": False,
                    "properties": {"failureThreshold": _INT32, "replicas": _INT32},
                },
                "triggers": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["type", "metadata"],
                        "additionalProperties": False,
                        "properties": {
                            "type": {"type": "string"},
                            "name": {"type": "string"},
                            "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
                            "metadata": {
                                "type": "object",
                                "additionalProperties": {"type": "string"},
                            },
                            "authenticationRef": {
                                "type": "object",
                                "required": ["name"],
                                "additionalProperties": False,
                                "properties": {
                                    "name": {"type": "string"},
                                    "kind": {
                                        "enum": [
                                            "TriggerAuthentication",
                                            "ClusterTriggerAuthentication",
                                        ]
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}

TRIGGER_AUTHENTICATION = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "kind": {"const": "TriggerAuthentication"},
        "metadata": _METADATA,
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "secretTargetRef": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["parameter", "name", "key"],
                        "additionalProperties": False,
                        "properties": {
                            "parameter": {"type": "string"},
                            "name": {"type": "string"},
                            "key": {"type": "string"},
                        },
                    },
                },
            },
        },
    },
}

SCHEMAS = {"ScaledObject": SCALED_OBJECT, "TriggerAuthentication": TRIGGER_AUTHENTICATION}

#: Metadata keys of the rabbitmq scaler (keda.sh/docs/latest/scalers/rabbitmq-queue/).
RABBITMQ_METADATA = {
    "host",
    "hostFromEnv",
    "protocol",
    "mode",
    "value",
    "activationValue",
    "queueName",
    "vhostName",
    "useRegex",
    "excludeUnacknowledged",
    "operation",
    "pageSize",
    "unsafeSsl",
    "timeout",
}


def validate(obj: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError (or KeyError for an unknown KEDA kind)."""
    jsonschema.validate(obj, SCHEMAS[obj["kind"]])
    if obj["kind"] == "ScaledObject":
        for trigger in obj["spec"]["triggers"]:
            if trigger["type"] == "rabbitmq":
                unknown = set(trigger["metadata"]) - RABBITMQ_METADATA
                if unknown:
                    raise jsonschema.ValidationError(f"unknown rabbitmq scaler metadata: {unknown}")
                if (
                    trigger["metadata"].get("useRegex") == "true"
                    and trigger["metadata"].get("protocol") != "http"
                ):
                    raise jsonschema.ValidationError(
                        "useRegex needs protocol http (management API)"
                    )
