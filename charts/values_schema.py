"""Source of charts/crm/values.schema.json.

The schema repeats the same shapes many times (an api, a worker and the gateway share most
of their keys; every service entry is the same shape), so it is written once here and
generated. Every object closes itself with `additionalProperties: false` (or types its
values, for maps such as `env`), so a misspelt key fails `helm install` / `helm template`.

    uv run python charts/values_schema.py          # rewrite charts/crm/values.schema.json
    uv run python charts/values_schema.py --check  # exit 1 when the file is stale

charts/tests/test_chart_values_schema.py fails when the committed file differs from this output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).parent / "crm" / "values.schema.json"

Schema = dict[str, Any]


def obj(
    properties: dict[str, Schema], *, required: list[str] | None = None, **extra: Any
) -> Schema:
    """A closed object: only the listed keys are allowed."""
    schema: Schema = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        schema["required"] = required
    schema.update(extra)
    return schema


def string(description: str = "", **extra: Any) -> Schema:
    schema: Schema = {"type": "string", **extra}
    if description:
        schema["description"] = description
    return schema


def integer(minimum: int | None = None, maximum: int | None = None) -> Schema:
    schema: Schema = {"type": "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def boolean() -> Schema:
    return {"type": "boolean"}


def ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def string_map() -> Schema:
    """A map of string to string (labels, annotations, nodeSelector)."""
    return {"type": "object", "additionalProperties": {"type": "string"}}


def passthrough(description: str) -> Schema:
    """A Kubernetes structure copied verbatim into the manifests and validated there."""
    return {"type": "object", "$comment": f"passthrough: {description}"}


DNS_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$"
DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
SERVICE_NAME = "^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$"
CPU = "^([0-9]+m|[0-9]+(\\.[0-9]+)?)$"
MEMORY = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$"
PERCENT = "^[0-9]{1,3}%$"
ENV_NAME = "^[A-Za-z_][A-Za-z0-9_]*$"
SECRET_KEY = "^[-._a-zA-Z0-9]+$"
# The gateway's own rules for a service account (gateway/identity/directory.py, views).
CLIENT_ID = "^[a-z0-9][a-z0-9._-]{1,63}$"
DEPARTMENT_PATH = "^(/[a-z0-9][a-z0-9_-]{0,62})+$"
ROLE = "^[a-z][a-z0-9_]{0,62}$"
SCOPE = "^[a-z][a-z0-9_.:-]{0,62}$"

DEFS: dict[str, Schema] = {
    "serviceName": string("a service under `services`", pattern=SERVICE_NAME),
    "secretRef": obj(
        {
            "name": string("Secret name", pattern=DNS_SUBDOMAIN),
            "key": string("key in the Secret", minLength=1),
        },
        required=["name", "key"],
    ),
    "image": obj(
        {
            "repository": string("image repository", minLength=1),
            "tag": string("image tag; empty: image.tag, else appVersion"),
        }
    ),
    "resources": obj(
        {
            "cpu": string("CPU request", pattern=CPU),
            "memory": string("memory request and limit", pattern=MEMORY),
            "cpuLimit": {"type": "string", "pattern": f"{CPU}|^$"},
        }
    ),
    "probe": obj(
        {
            "initialDelaySeconds": integer(0),
            "periodSeconds": integer(1),
            "timeoutSeconds": integer(1),
            "failureThreshold": integer(1),
        }
    ),
    "probes": obj({"startup": ref("probe"), "readiness": ref("probe"), "liveness": ref("probe")}),
    "autoscaling": obj(
        {
            "enabled": boolean(),
            "minReplicas": integer(1),
            "maxReplicas": integer(1),
            "targetCPUUtilizationPercentage": integer(1, 100),
            "scaleDownStabilizationSeconds": integer(0, 3600),
        }
    ),
    "pdb": obj(
        {
            "enabled": boolean(),
            "maxUnavailable": {
                "oneOf": [integer(0), {"type": "string", "pattern": PERCENT}],
            },
        }
    ),
    "keda": obj(
        {
            "enabled": boolean(),
            "minReplicaCount": integer(0),
            "maxReplicaCount": integer(1),
            "queueLength": integer(1),
            "pollingInterval": integer(1),
            "cooldownPeriod": integer(0),
            "queuePattern": string("regular expression of the queues KEDA counts"),
        }
    ),
    "env": {
        "type": "object",
        "propertyNames": {"pattern": ENV_NAME},
        "additionalProperties": {"type": "string"},
    },
    # NAME: {name, key}: the env var's value is read from a Secret (valueFrom.secretKeyRef).
    "secretEnv": {
        "type": "object",
        "propertyNames": {"pattern": ENV_NAME},
        "additionalProperties": obj(
            {
                "name": string("Secret name", pattern=DNS_SUBDOMAIN),
                "key": string("key in the Secret", pattern=SECRET_KEY),
                "optional": boolean(),
            },
            required=["name", "key"],
        ),
    },
    # A service's own account: SERVICE_CLIENT_ID/SECRET in its api and worker; department,
    # roles, scopes and dataScope are what the bootstrap Job (or the platform team) writes.
    "clientCredentials": obj(
        {
            "clientId": string("client id of the service account", pattern=CLIENT_ID),
            "secret": obj(
                {
                    "name": string("Secret name", pattern=DNS_SUBDOMAIN),
                    "key": string("key of the client secret", pattern=SECRET_KEY),
                },
                required=["name", "key"],
            ),
            "department": string("department path of the account", pattern=DEPARTMENT_PATH),
            "roles": {**array(string(pattern=ROLE)), "uniqueItems": True},
            "scopes": {**array(string(pattern=SCOPE)), "uniqueItems": True},
            "dataScope": {"enum": ["own", "department", "all"]},
        },
        required=["clientId", "secret"],
    ),
    "labelSelector": obj(
        {
            "matchLabels": string_map(),
            "matchExpressions": array(
                obj(
                    {
                        "key": string(minLength=1),
                        "operator": {"enum": ["In", "NotIn", "Exists", "DoesNotExist"]},
                        "values": array({"type": "string"}),
                    },
                    required=["key", "operator"],
                )
            ),
        }
    ),
    "peer": obj(
        {
            "podSelector": ref("labelSelector"),
            "namespaceSelector": ref("labelSelector"),
            "ipBlock": obj(
                {"cidr": string(minLength=1), "except": array({"type": "string"})},
                required=["cidr"],
            ),
        },
        minProperties=1,
    ),
    "port": obj(
        {
            "port": integer(1, 65535),
            "endPort": integer(1, 65535),
            "protocol": {"enum": ["TCP", "UDP", "SCTP"]},
        },
        required=["port"],
    ),
    "egress": obj({"to": array(ref("peer")), "ports": {**array(ref("port")), "minItems": 1}}),
    "toleration": obj(
        {
            "key": string(),
            "operator": {"enum": ["Exists", "Equal"]},
            "value": string(),
            "effect": {"enum": ["NoSchedule", "PreferNoSchedule", "NoExecute"]},
            "tolerationSeconds": integer(0),
        }
    ),
    "affinity": obj(
        {
            "nodeAffinity": passthrough("core/v1 NodeAffinity"),
            "podAffinity": passthrough("core/v1 PodAffinity"),
            "podAntiAffinity": passthrough("core/v1 PodAntiAffinity"),
        }
    ),
    "topologySpread": obj({"enabled": boolean(), "maxSkew": integer(1)}),
    "serviceAccount": obj({"annotations": string_map()}),
}

# Keys every long-running component (api, worker, gateway server) has.
POD_KEYS: dict[str, Schema] = {
    "replicaCount": integer(0),
    "resources": ref("resources"),
    "pdb": ref("pdb"),
    "probes": ref("probes"),
    "calls": {**array(ref("serviceName")), "uniqueItems": True},
    "terminationGracePeriodSeconds": integer(0),
    "env": ref("env"),
    "secretEnv": ref("secretEnv"),
    "egress": array(ref("egress")),
    "podAnnotations": string_map(),
    "nodeSelector": string_map(),
    "tolerations": array(ref("toleration")),
    "affinity": ref("affinity"),
    "topologySpread": ref("topologySpread"),
    "serviceAccount": ref("serviceAccount"),
}

DEFS["api"] = obj(
    {
        **POD_KEYS,
        "autoscaling": ref("autoscaling"),
        "allowFrom": array(ref("peer")),
        "service": obj({"headless": boolean()}),
    }
)
DEFS["worker"] = obj({**POD_KEYS, "keda": ref("keda")})
DEFS["gatewayServer"] = obj(
    {
        **POD_KEYS,
        "autoscaling": ref("autoscaling"),
        "allowFrom": array(ref("peer")),
        # HTTP_TRUSTED_PROXIES of the gateway and of the console: proxy hops in front.
        "trustedProxies": integer(0, 5),
        # PUBLIC_RATE_LIMIT_* of the gateway and of the console (their settings' bounds).
        "publicRateLimits": obj(
            {
                "perAddress": integer(1, 100_000),
                "perTarget": integer(1, 100_000),
                "windowSeconds": integer(1, 3_600),
            }
        ),
    }
)
DEFS["migrate"] = obj(
    {
        "resources": ref("resources"),
        "backoffLimit": integer(0),
        "activeDeadlineSeconds": integer(1),
        "ttlSecondsAfterFinished": integer(0),
        "env": ref("env"),
        "secretEnv": ref("secretEnv"),
        "podAnnotations": string_map(),
        "nodeSelector": string_map(),
        "tolerations": array(ref("toleration")),
    }
)
DEFS["service"] = obj(
    {
        "enabled": boolean(),
        "image": ref("image"),
        "databaseSecret": ref("secretRef"),
        "fieldEncryption": boolean(),
        "attachments": obj({"api": boolean(), "worker": boolean()}),
        "clientCredentials": ref("clientCredentials"),
        "api": ref("api"),
        "worker": ref("worker"),
        "migrate": ref("migrate"),
    },
    # A misspelt service name becomes a new entry without these, and fails here.
    required=["image", "databaseSecret"],
)

ROOT: Schema = obj(
    {
        "global": {"type": "object", "$comment": "passthrough: Helm's global values, unused"},
        "image": obj(
            {
                "registry": string("prefix of every repository"),
                "tag": string("default tag"),
                "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
            }
        ),
        "imagePullSecrets": array(string(pattern=DNS_SUBDOMAIN)),
        "config": obj(
            {
                "logLevel": {"enum": ["DEBUG", "INFO", "WARNING", "ERROR"]},
                "jwtIssuer": string(minLength=1),
                "grpcReflection": boolean(),
                "amqpQueueType": {"enum": ["quorum", "classic"]},
                "otel": obj(
                    {
                        "exporterEndpoint": string(
                            "OTLP/HTTP endpoint", pattern="^(https?://.+)?$"
                        ),
                        "resourceAttributes": string_map(),
                    }
                ),
                "extraEnv": ref("env"),
            }
        ),
        "secrets": obj(
            {
                "amqp": ref("secretRef"),
                "jwt": obj(
                    {
                        "name": string(pattern=DNS_SUBDOMAIN),
                        "publicKey": string(minLength=1),
                        "privateKey": string(minLength=1),
                    },
                    required=["name", "publicKey", "privateKey"],
                ),
                "fieldEncryption": obj(
                    {
                        "name": string("Secret name", pattern=DNS_SUBDOMAIN),
                        "key": string("key of FIELD_ENCRYPTION_KEY", minLength=1),
                        "previousKeys": string(
                            "key of FIELD_ENCRYPTION_PREVIOUS_KEYS", pattern=SECRET_KEY
                        ),
                    },
                    required=["name", "key"],
                ),
            }
        ),
        "attachments": obj(
            {
                "store": {"enum": ["local", "s3"]},
                "localSizeLimit": string(pattern=r"^[0-9]+(Ki|Mi|Gi|Ti)?$"),
                "s3": obj(
                    {
                        "bucket": string("ATTACHMENT_S3_BUCKET"),
                        "endpointUrl": string(
                            "ATTACHMENT_S3_ENDPOINT_URL", pattern=r"^(https?://.+)?$"
                        ),
                        "region": string("ATTACHMENT_S3_REGION"),
                    }
                ),
                "credentialsSecret": obj(
                    {
                        "name": string(
                            "Secret name; empty: boto3's own chain",
                            pattern=r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$",
                        ),
                        "accessKeyId": string(pattern=SECRET_KEY),
                        "secretAccessKey": string(pattern=SECRET_KEY),
                    }
                ),
            }
        ),
        "securityContext": obj(
            {"runAsUser": integer(1), "runAsGroup": integer(1), "fsGroup": integer(1)}
        ),
        "defaults": obj({"api": ref("api"), "worker": ref("worker"), "migrate": ref("migrate")}),
        "services": {
            "type": "object",
            "propertyNames": {"pattern": SERVICE_NAME},
            "additionalProperties": ref("service"),
        },
        "gateway": obj(
            {
                "enabled": boolean(),
                "image": ref("image"),
                "databaseSecret": ref("secretRef"),
                "demoMode": boolean(),
                "server": ref("gatewayServer"),
                "migrate": ref("migrate"),
                "ingress": obj(
                    {
                        "enabled": boolean(),
                        "className": string(),
                        "annotations": string_map(),
                        "host": string(pattern=DNS_SUBDOMAIN),
                        "path": string(pattern="^/"),
                        "tls": obj(
                            {"enabled": boolean(), "secretName": string(pattern=DNS_SUBDOMAIN)}
                        ),
                    }
                ),
            }
        ),
        "console": obj(
            {
                "enabled": boolean(),
                "image": ref("image"),
                "secretKey": ref("secretRef"),
                "timeZone": string("IANA time zone", pattern="^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$"),
                # CONSOLE_DASHBOARD_CACHE_SECONDS: the console's own bounds (settings.py).
                "dashboardCacheSeconds": integer(0, 3600),
                # PUBLIC_LEAD_FORM_FRAME_ANCESTORS: origins only (the console drops anything else).
                "publicLeadFormFrameAncestors": {
                    "type": "array",
                    "items": string(pattern="^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$"),
                },
                "ingressPath": string(pattern="^/"),
                "server": ref("gatewayServer"),
            }
        ),
        "clientCredentials": obj({"bootstrap": obj({"enabled": boolean()})}),
        "migrations": obj(
            {
                "enabled": boolean(),
                "hooks": {
                    **array(
                        {"enum": ["pre-install", "pre-upgrade", "post-install", "post-upgrade"]}
                    ),
                    "minItems": 1,
                    "uniqueItems": True,
                },
            }
        ),
        "networkPolicy": obj(
            {
                "enabled": boolean(),
                "dns": ref("egress"),
                "amqp": ref("egress"),
                "database": ref("egress"),
                "otlp": ref("egress"),
                "objectStore": ref("egress"),
            }
        ),
        "keda": obj(
            {
                "rabbitmq": obj(
                    {"secretName": string(pattern=DNS_SUBDOMAIN), "secretKey": string(minLength=1)}
                )
            }
        ),
        "devStack": obj(
            {
                "enabled": boolean(),
                "postgres": obj(
                    {
                        "image": string(minLength=1),
                        "superuserPassword": string(minLength=1),
                        "servicePassword": string(minLength=1),
                        "resources": ref("resources"),
                        "persistence": obj({"enabled": boolean(), "size": string(pattern=MEMORY)}),
                    }
                ),
                "rabbitmq": obj(
                    {
                        "image": string(minLength=1),
                        "user": string(minLength=1),
                        "password": string(minLength=1),
                        "resources": ref("resources"),
                    }
                ),
                "jwtPublicKey": string(),
                "jwtPrivateKey": string(),
                "fieldEncryptionKey": string(),
                "serviceClientSecret": string(),
                "consoleSecretKey": {"type": "string", "pattern": "^(.{32,})?$"},
                "secretEnv": ref("env"),
            }
        ),
    },
)


def build() -> Schema:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Values of the crm chart",
        "$comment": "Generated by charts/values_schema.py; edit that file, not this one.",
        **ROOT,
        "$defs": DEFS,
    }


def render() -> str:
    return json.dumps(build(), indent=2) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if SCHEMA_PATH.read_text() != text:
            print(
                f"{SCHEMA_PATH} is stale: run `uv run python charts/values_schema.py`",
                file=sys.stderr,
            )
            return 1
        return 0
    SCHEMA_PATH.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
