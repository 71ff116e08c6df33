"""pydantic models of the platforms' spec files: SHAPE only (keys, JSON types, enums).

``deploykit.models.eas`` is the EAS service JSON; ``deploykit.models.modelarts`` the
ModelArts ``config.json``. Each platform module is imported on its own, so validating one
platform's file never loads the other's model.
"""
