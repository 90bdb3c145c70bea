"""Adapters to other frameworks. Framework objects never cross into the pipeline's stages."""
