"""Alibaba Cloud: the ACS3 signer (``_signer``) and the PAI-EAS management client (``eas``)."""
