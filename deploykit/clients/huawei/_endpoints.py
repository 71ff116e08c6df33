"""Where ModelArts and IAM answer, per region. No network and no httpx here.

ModelArts: ``https://modelarts.<region>.myhuaweicloud.com``, except ``ap-southeast-1`` whose
domain ends in ``.cn`` (reference/modelarts.md §3.1). IAM: ``https://iam.<region>.
myhuaweicloud.com`` for the regions the SDK knows, else the global endpoint (§4.1).
"""

from __future__ import annotations

import difflib

from deploykit.errors import ConfigError

# reference/modelarts.md §3.1: PYSDK huaweicloudsdkmodelarts/v1/region/modelarts_region.py
# (3.1.219); cn-southwest-3 and cn-north-11 were added to that file after 3.1.219.
MODELARTS_REGIONS: tuple[str, ...] = (
    "af-north-1",
    "af-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "cn-east-3",
    "cn-east-4",
    "cn-north-1",
    "cn-north-11",
    "cn-north-12",
    "cn-north-2",
    "cn-north-4",
    "cn-north-9",
    "cn-south-1",
    "cn-southwest-2",
    "cn-southwest-3",
    "la-north-2",
    "la-south-2",
    "me-east-1",
    "sa-brazil-1",
    "tr-west-1",
)
# §3.1: the one region whose ModelArts endpoint is not on myhuaweicloud.com.
_MODELARTS_EXCEPTIONS = {"ap-southeast-1": "https://modelarts.ap-southeast-1.myhuaweicloud.cn"}

# reference/modelarts.md §4.1: PYSDK huaweicloudsdkcore/auth/endpoint.py (3.1.219).
IAM_REGIONS: frozenset[str] = frozenset(
    {
        "ae-ad-1", "af-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
        "ap-southeast-4", "cn-east-2", "cn-east-3", "cn-east-4", "cn-east-5", "cn-north-1",
        "cn-north-12", "cn-north-2", "cn-north-4", "cn-north-9", "cn-south-1", "cn-south-2",
        "cn-southwest-2", "eu-west-0", "la-north-2", "la-south-2", "me-east-1",
        "my-kualalumpur-1", "na-mexico-1", "ru-moscow-1", "sa-brazil-1", "tr-west-1",
    }
)
# §4.1 (PYSDK auth/internal.py DEFAULT_ENDPOINT): tokens for any region's project come from here.
GLOBAL_IAM_ENDPOINT = "https://iam.myhuaweicloud.com"


def modelarts_endpoint(region: str) -> str:
    """The ModelArts API base URL of ``region``; a ``ConfigError`` for a region not listed.

    Refusing an unknown name (rather than building a host from it) turns a typo into a
    one-line fix instead of a DNS failure after retries.
    """
    if region not in MODELARTS_REGIONS:
        close = difflib.get_close_matches(region, MODELARTS_REGIONS, n=1)
        guess = f" (did you mean {close[0]}?)" if close else ""
        raise ConfigError(
            f"{region!r} is not a ModelArts region{guess}",
            hint="use --region with one of: " + ", ".join(MODELARTS_REGIONS) + "; for a newer "
            "region pass --endpoint https://modelarts.<region>.myhuaweicloud.com",
        )
    return _MODELARTS_EXCEPTIONS.get(region, f"https://modelarts.{region}.myhuaweicloud.com")


def iam_endpoint(region: str | None = None) -> str:
    """The IAM base URL for ``region``'s tokens: the regional one if known, else global."""
    if region in IAM_REGIONS:
        return f"https://iam.{region}.myhuaweicloud.com"
    return GLOBAL_IAM_ENDPOINT
