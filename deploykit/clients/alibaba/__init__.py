"""Alibaba Cloud: the ACS3 signer (``_signer``), how PAI-EAS speaks (``_dialect``: headers,
error codes, retry hints) and the PAI-EAS management client (``eas``)."""
