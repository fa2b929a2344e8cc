"""Helpers shared by every test module: tool probes, docker fixtures, golden files.

``tests/conftest.py`` loads :mod:`tests.helpers.docker` as a pytest plugin, so its fixtures
(``docker_client``, ``base_image``, ``container_factory``, ``image_builder``, ...) are available to
every test without imports; import the plain functions (``build_image``, ``exec_ok``,
``assert_golden``) where a test needs them directly.
"""
