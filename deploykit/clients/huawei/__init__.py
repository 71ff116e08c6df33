"""Huawei Cloud: the SDK-HMAC-SHA256 signer (``_signer``, ``_signature_check``), IAM token auth
(``_token``), ModelArts and IAM endpoints (``_endpoints``), the ModelArts dialect (``_dialect``:
error table, retries) and the ModelArts client (``modelarts``, ``_models``) over the
deployments it takes (``deployment``)."""
