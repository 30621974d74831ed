"""botocore's service models of SES (v1 ``ses`` and v2 ``sesv2``), each loaded once, on first use.

Everything the mock says about SES's shapes (what a request may hold, what a response looks
like, which routes exist) comes from here, so it follows the botocore installed beside it.
"""

from __future__ import annotations

from functools import cache

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel

V1 = "ses"
V2 = "sesv2"


@cache
def _loader() -> Loader:
    return Loader()


@cache
def service_model(service: str = V1) -> ServiceModel:
    """The service model of the installed botocore: ``ses`` (2010-12-01) or ``sesv2``."""
    # A bare Loader skips creating a whole botocore Session, which costs far more.
    return ServiceModel(_loader().load_service_model(service, "service-2"), service)


@cache
def operation_model(name: str, service: str = V1) -> OperationModel:
    """One operation of a model, e.g. ``DescribeConfigurationSet``."""
    return service_model(service).operation_model(name)
