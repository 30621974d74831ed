"""botocore's SES service model, loaded once, on first use.

Everything the mock says about SES's shapes (what a request may hold, what a response looks
like) comes from here, so it follows the botocore installed beside it.
"""

from __future__ import annotations

from functools import cache

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel

SERVICE_NAME = "ses"


@cache
def service_model() -> ServiceModel:
    """The SES (2010-12-01) service model of the installed botocore."""
    # A bare Loader skips creating a whole botocore Session, which costs far more.
    return ServiceModel(Loader().load_service_model(SERVICE_NAME, "service-2"), SERVICE_NAME)


@cache
def operation_model(name: str) -> OperationModel:
    """One operation of the SES model, e.g. ``DescribeConfigurationSet``."""
    return service_model().operation_model(name)
