"""Huawei Cloud: the SDK-HMAC-SHA256 signer (``_signer``, ``_signature_check``), IAM token auth
(``_token``), ModelArts and IAM endpoints (``_endpoints``) and the error table (``_errors``)."""
