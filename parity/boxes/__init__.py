"""Vagrant boxes from the spec: docker-provider ``.box`` files, Packer templates for VM boxes,
and the versioned box catalog Vagrant reads (``vagrant box add CATALOG.json``).

Modules, each with one job:

* :mod:`~parity.boxes.version`: box versions as Vagrant (RubyGems) reads and orders them;
* :mod:`~parity.boxes.catalog`: the catalog JSON: load, add a version, write atomically;
* :mod:`~parity.boxes.plans`: what a docker box and a Packer folder contain (pure);
* :mod:`~parity.boxes.package`: a planned box written as a reproducible ``.box`` (tar.gz);
* :mod:`~parity.boxes.installers`: the installer ISOs of the VM builders (Debian);
* :mod:`~parity.boxes.packer`: running Packer, the one step that needs a hypervisor or daemon;
* :mod:`~parity.boxes.build`: ``parity build-box``, tying them together;
* :mod:`~parity.boxes.status`: what ``parity status`` says of box environments and catalogs.
"""

from __future__ import annotations

from parity.boxes.build import BuildResult, build_box

__all__ = ["BuildResult", "build_box"]
