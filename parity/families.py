"""Package families: everything parity knows about one package manager, in one record.

A family (apt, dnf, apk) is read by every stage: the spec loader (what a repository key looks
like), rendering (which shell partial installs packages, which packages provide the commands the
provisioning script needs, how nixpkgs names the family's packages), the checker (which version
ordering applies, which packages provisioning adds on its own) and the facts (which family a host
reports). Before this module that knowledge sat in seven places; now a new family (pkgsrc
came this way, then Nix) is one record here, its partial
``templates/render/provision/pm/<name>.sh.j2`` (if it has a provisioning script at all: Nix has
none, a NixOS system is built from a module, ``render -t nixos``) and its branch in the packages
collector.

This module imports nothing from parity, so every stage can read it without pulling in another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: the armoured OpenPGP key apt and dnf read from a repository's ``key:`` file
_PGP = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
_PGP_FORM = (_PGP, f"an ASCII-armoured OpenPGP public key ({_PGP}); from a binary keyring: "
                   "gpg --no-default-keyring --keyring ./KEYRING --export --armor > KEY.asc")


@dataclass(frozen=True)
class PackageFamily:
    """One package manager family and how each stage treats it."""

    #: the family as specs (through ``base:``) and facts (``os.family``) name it
    name: str
    #: version ordering in :mod:`parity.versions` ("deb", "rpm", "apk", "pkgsrc", "nix")
    version_scheme: str
    #: the provisioning partial defining ``pm_*`` (see :mod:`parity.render.pkgmgr`); ``None``
    #: for a family no provision.sh installs packages for (Nix: a NixOS system is declared, not
    #: provisioned, so its bases render only the nix and nixos targets)
    partial: str | None
    #: command the provisioning script needs -> package providing it, installed only if missing
    bootstrap: dict[str, str]
    #: (marker the file must contain, what to tell the user) for a repository's ``key:`` file
    key_form: tuple[str, str]
    #: the family's package names that nixpkgs spells differently (the nix target's defaults)
    nixpkgs_names: dict[str, str] = field(default_factory=dict)
    #: other names hosts report for the same family (``yum`` on older RHEL)
    aliases: tuple[str, ...] = ()
    #: the family's package names that pkgsrc spells differently (the smartos target's defaults);
    #: ``""``: nothing to install in a zone (the platform has it: procps's ps/pgrep; or pkgsrc
    #: has no such package: tini)
    pkgsrc_names: dict[str, str] = field(default_factory=dict)

    @property
    def provisioning_packages(self) -> frozenset[str]:
        """Packages parity's provisioning installs for its own use when the base lacks the command
        (``procps`` for ``sysctl``): on every host it built, declared by nobody."""
        return frozenset(self.bootstrap.values())


FAMILIES: dict[str, PackageFamily] = {
    f.name: f
    for f in (
        PackageFamily(
            "apt", "deb", "provision/pm/apt.sh.j2",
            {"useradd": "passwd", "sysctl": "procps"},
            _PGP_FORM,
            nixpkgs_names={
                "ca-certificates": "cacert", "docker.io": "docker", "build-essential": "gcc",
                "make": "gnumake", "python3-venv": "python3", "python3-dev": "python3",
                "python3-pip": "python3Packages.pip", "openssh-client": "openssh",
                "openssh-server": "openssh", "g++": "gcc",
            },
            pkgsrc_names={
                "postgresql-15": "postgresql15-server", "postgresql": "postgresql15-server",
                "postgresql-client-15": "postgresql15-client",
                "ca-certificates": "mozilla-rootcerts-openssl", "make": "gmake",
                "build-essential": "gcc13", "g++": "gcc13", "python3": "python311",
                "python3-venv": "python311", "python3-dev": "python311",
                "python3-pip": "py311-pip", "openjdk-17-jre-headless": "openjdk17",
                "openjdk-17-jdk": "openjdk17", "cassandra": "apache-cassandra",
                "procps": "", "tini": "",
            },
        ),
        PackageFamily(
            "dnf", "rpm", "provision/pm/dnf.sh.j2",
            {"useradd": "shadow-utils", "sysctl": "procps-ng"},
            _PGP_FORM,
            nixpkgs_names={"ca-certificates": "cacert", "make": "gnumake",
                           "procps-ng": "procps", "gcc-c++": "gcc", "openssh-clients": "openssh",
                           "openssh-server": "openssh"},
            aliases=("yum",),
            pkgsrc_names={
                "postgresql-server": "postgresql15-server", "postgresql": "postgresql15-client",
                "ca-certificates": "mozilla-rootcerts-openssl", "make": "gmake",
                "gcc-c++": "gcc13", "python3": "python311", "python3-devel": "python311",
                "python3-pip": "py311-pip", "java-17-openjdk-headless": "openjdk17",
                "procps-ng": "",
            },
        ),
        PackageFamily(
            "apk", "apk", "provision/pm/apk.sh.j2",
            {"useradd": "shadow", "sysctl": "procps", "install": "coreutils"},
            ("-----BEGIN PUBLIC KEY-----",
             "a PEM public key (-----BEGIN PUBLIC KEY-----), as apk keys are"),
            nixpkgs_names={"ca-certificates": "cacert", "make": "gnumake", "g++": "gcc",
                           "build-base": "gcc", "openssh-client": "openssh",
                           "openssh-server": "openssh"},
            pkgsrc_names={
                "postgresql15": "postgresql15-server",
                "postgresql15-client": "postgresql15-client",
                "ca-certificates": "mozilla-rootcerts-openssl", "make": "gmake",
                "build-base": "gcc13", "g++": "gcc13", "python3": "python311",
                "python3-dev": "python311", "py3-pip": "py311-pip",
                "openjdk17-jre-headless": "openjdk17", "procps": "", "tini": "",
            },
        ),
        # SmartOS zones (and NetBSD): pkgin over pkgsrc binary packages, ordered by pkg_install's
        # dewey rules. The commands provisioning needs (useradd, ipadm) are the platform's own,
        # in /usr, so nothing is bootstrapped; pkgin repositories are signed with OpenPGP keys.
        PackageFamily(
            "pkgsrc", "pkgsrc", "provision/pm/pkgsrc.sh.j2",
            {},
            _PGP_FORM,
            nixpkgs_names={"ca-certificates": "cacert", "gmake": "gnumake"},
            aliases=("pkgin",),
        ),
        # NixOS: packages are store paths of a system closure, ordered by Nix's own
        # compareVersions; no provisioning partial (see ``partial``) and nothing bootstrapped.
        # A repository's ``key:`` would be a binary cache's public key (``name:base64``, the
        # form ``trusted-public-keys`` takes); the nix targets do not read repositories.
        PackageFamily(
            "nix", "nix", None,
            {},
            (":", "a binary cache public key (cache.example.org-1:BASE64...), as "
                  "trusted-public-keys lists them"),
        ),
    )
}

_BY_ALIAS = {alias: f for f in FAMILIES.values() for alias in (f.name, *f.aliases)}


def get_family(name: str) -> PackageFamily:
    """The family called ``name`` (or one of its aliases); ``KeyError`` for unknown names."""
    return _BY_ALIAS[name]


def find_family(name: object) -> PackageFamily | None:
    """The family a host reports (``os.family`` in its facts), or ``None`` if parity has none."""
    return _BY_ALIAS.get(str(name)) if name is not None else None
