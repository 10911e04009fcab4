"""Python client of the model registry (standard library only).

>>> from model_registry import Registry
>>> reg = Registry("http://127.0.0.1:4000", token=...)   # or MODEL_REGISTRY_URL / MODEL_REGISTRY_TOKEN
>>> v = reg.link_model(path="./my_model.h5", registered_model_name="MNIST", registry="vision")
>>> path = reg.use_model("vision/MNIST:production", root="./model")
"""

from .client import ModelVersion, Registry
from .errors import (
    BadInputError,
    ConflictError,
    ForbiddenError,
    IntegrityError,
    InterruptedDownloadError,
    NotFoundError,
    RegistryError,
    UnauthenticatedError,
)

__all__ = [
    "Registry",
    "ModelVersion",
    "RegistryError",
    "BadInputError",
    "UnauthenticatedError",
    "ForbiddenError",
    "NotFoundError",
    "ConflictError",
    "IntegrityError",
    "InterruptedDownloadError",
]
__version__ = "0.1.0"
