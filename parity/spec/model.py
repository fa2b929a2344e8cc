"""The spec's typed model: what ``parity.yaml`` may say, with every string checked at the door.

Names, versions, paths and values that end up in shell, Dockerfile, Ruby or Nix text are
restricted here to safe alphabets where the domain allows it (package, user, service names, sysctl
keys); free text (env values, file paths) is still quoted by each renderer. Rejecting early gives
the user a ``file:line:column`` error instead of a broken image later.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from parity.textsafe import quoted
from parity.versions import ConstraintError, parse_constraint

SPEC_VERSION = 1


class Strict(BaseModel):
    """Base for every spec section: unknown keys are errors (with a "did you mean").

    ``defer_build``: pydantic otherwise builds a validator and a serializer for every section
    class when this module is imported, then again inside :class:`SpecModel`'s; deferred, the
    first validation builds the one that is used (part of keeping ``parity validate`` under a
    quarter of a second, bench cli)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False,
                              defer_build=True)


# --- constrained strings -------------------------------------------------------------------

#: a distro package name; ``name:arch`` names a package of another architecture, the way the
#: packages collector keys a second architecture (``zlib1g:i386``) and apt/dpkg spell it
PackageName = Annotated[
    str, StringConstraints(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}(:[a-z0-9][a-z0-9_]{0,31})?$")
]
#: a repository's suite or component: a package-style word without an architecture
SuiteName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}$")]
#: a user or group name by shadow's own rule (``chkname.c``): letters of either case, digits,
#: ``_ . -``, not starting with ``-``, optionally ending in ``$`` (Samba machine accounts), at
#: most 32 characters, not ``.``/``..`` and not all digits (``chown 1234`` would read an id).
#: Debian's ``useradd`` accepts more (``a$b``), but every name here is safe in any shell word.
_ACCOUNT = r"[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?"


def _real_name(value: str) -> str:
    """shadow refuses ``.``, ``..`` and all-digit names (an all-digit one would read as an id)."""
    if value in (".", "..") or value.rstrip("$").isdigit():
        raise ValueError(f"{value!r} is not a valid account name (shadow refuses '.', '..' "
                         "and names of digits only)")
    return value


AccountName = Annotated[str, StringConstraints(pattern=rf"^{_ACCOUNT}$", max_length=32),
                        AfterValidator(_real_name)]
#: a bare uid/gid as the collectors report an id without a name (``"4242"``)
_NUMERIC_ID = r"[0-9]{1,10}"
#: a service name (``nginx``, ``getty@tty1``), a SmartOS instance key (``physical:nwam``) or an
#: SMF FMRI (``svc:/pkgsrc/nginx:default``, ``lrc:/etc/rc3_d/S90foo``): components start with a
#: letter, digit or ``_``, so no ``..`` or empty path part can reach a rendered file name
_SMF_PART = r"[A-Za-z0-9_][A-Za-z0-9,._-]{0,127}"
ServiceName = Annotated[str, StringConstraints(
    pattern=rf"^(?:[A-Za-z0-9][A-Za-z0-9@._-]{{0,127}}(?::{_SMF_PART})?"
            rf"|(?:svc|lrc):/{_SMF_PART}(?:/{_SMF_PART}){{0,15}}(?::{_SMF_PART})?)$")]
EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
SysctlKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_][a-z0-9_.-]*(/[a-z0-9_.-]+)*$")]
SysctlValue = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9 \t._:,/-]*$")]
#: the protocols whose properties illumos' ipadm(8) lists under ``set-prop`` (the same tuple as
#: :data:`parity.facts.request.IPADM_PROTOCOLS`, which collects them; a test keeps them equal)
IpadmProtocol = Literal["ipv4", "ipv6", "icmp", "tcp", "udp", "sctp"]
#: an illumos protocol property: ``smallest_anon_port``, or a private one such as ``_cwnd_max``
IpadmProperty = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")]
#: what ``ipadm set-prop -p NAME=VALUE`` takes: a word, a number, or a comma list (``2049,4045``)
IpadmValue = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._,-]{1,256}$")]
HostName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
#: printable text on one line: no control characters (newline, NUL, escape, ...)
ONE_LINE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
OneLine = Annotated[str, StringConstraints(pattern=ONE_LINE_PATTERN)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[A-Za-z0-9._~:/?#\[\]@!&()*+,;=%-]+$")]
AbsPath = Annotated[str, StringConstraints(pattern=r"^/[^\x00-\x1f\x7f]*$", max_length=4096)]
RelPath = Annotated[str, StringConstraints(pattern=r"^[^/\x00-\x1f\x7f][^\x00-\x1f\x7f]*$")]
ImageRef = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$")
]
AcName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+([-./][a-z0-9]+)*$")]


def scalar_source(value: Any) -> str:
    """:func:`parity.spec.yamlpos.scalar_source`, imported when a validator needs it: a spec
    loaded from the cache (:mod:`parity.spec.cache`) is never validated, so it never imports
    the YAML library."""
    from parity.spec.yamlpos import scalar_source as source

    return source(value)


def _as_written(value: Any) -> Any:
    """A YAML number or boolean as the text the user wrote (``1.10`` stays ``"1.10"``, not
    ``"1.1"``; ``true`` stays ``"true"``); anything else unchanged for the model to check."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return scalar_source(value)
    return value


def _check_constraint(value: Any) -> str:
    text = "*" if value is None else str(value)
    if isinstance(value, float) and scalar_source(value) != text:
        written = scalar_source(value)
        raise ValueError(f"YAML reads {written} as the number {text}; "
                         f"quote versions: \"{written}\"")
    try:
        parse_constraint(text)
    except ConstraintError as exc:
        raise ValueError(str(exc)) from None
    return text


def _mode(value: Any) -> str:
    """Accept ``"0644"``, ``"644"``, YAML numbers ``644``/``0644``/``0o644``; give ``"0644"``."""
    if isinstance(value, bool):
        raise ValueError("a file mode is an octal string such as \"0644\"")
    from ruamel.yaml.scalarint import OctalInt

    if isinstance(value, OctalInt):  # 0o644: ruamel keeps that it was written in octal
        text = format(value, "o")
    elif isinstance(value, int):  # 644 (YAML 1.2 reads 0644 as 644 too)
        text = str(value)
    else:
        text = str(value)
    if not re.fullmatch(r"0?[0-7]{3,4}", text):
        raise ValueError(f"{value!r} is not an octal file mode such as \"0644\"")
    return text.zfill(4)[-4:]


def _no_dotdot(value: str) -> str:
    if ".." in value.split("/"):
        raise ValueError(f"{value!r} may not contain '..'")
    return value


def _id_as_text(value: Any) -> Any:
    """A YAML integer id (``owner: 4242``) as the text the facts report (``"4242"``)."""
    if isinstance(value, bool):
        raise ValueError("an owner or group is a name or a numeric id, not true/false")
    if isinstance(value, int):
        if not 0 <= value <= 2**32 - 2:
            raise ValueError(f"{value} is outside the id range 0-4294967294")
        return str(value)
    return value


def _account_or_id(value: str) -> str:
    """A numeric id must read as the facts print it: no leading zeros, within uid_t."""
    if value.isdigit():
        if value != str(int(value)):
            raise ValueError(f"{value!r}: write the id without leading zeros")
        if int(value) > 2**32 - 2:
            raise ValueError(f"{value} is outside the id range 0-4294967294")
        return value
    return _real_name(value)


#: YAML reads each ``\\uXXXX`` escape on its own, so JSON's surrogate pair for one character
#: (``"\\ud83d\\ude00"``) loads as two lone surrogates (ruamel.yaml and PyYAML alike)
SURROGATE_FIX = ("write the character itself, or \\U and 8 hex digits (\\U0001f600), "
                 "instead of a \\uXXXX\\uXXXX pair")


def _writable_text(value: str) -> str:
    """A file's ``content:`` may be any text, except what no generated file can carry:
    provision.sh hands the content to ``printf`` as one shell argument, and a shell argument
    (a C string) ends at NUL; a lone UTF-16 surrogate (YAML ``"\\ud800"``) is not a character
    at all, so no UTF-8 file can hold it. Refused here with the spec's line, not at render time.
    """
    if "\x00" in value:
        raise ValueError("a file's content cannot hold a NUL character: provision.sh passes "
                         "content to the shell as one argument, which ends at NUL; put binary "
                         "content in a file beside the spec and use source: instead")
    bad = next((c for c in value if "\ud800" <= c <= "\udfff"), None)
    if bad is not None:
        raise ValueError(f"the text holds \\u{ord(bad):04x}, a lone UTF-16 surrogate, which is "
                         f"not a character and cannot be written as UTF-8; {SURROGATE_FIX}")
    return value


VersionConstraint = Annotated[str, BeforeValidator(_check_constraint)]
#: a file's content: any text a shell argument and UTF-8 can carry (newlines, tabs...)
FileText = Annotated[str, AfterValidator(_writable_text)]
#: a file's owner/group, or one of a user's groups: a name, or a bare numeric id for an id that
#: has no name on the host (the collectors then report the number, and so can the spec)
AccountRef = Annotated[
    str,
    BeforeValidator(_id_as_text),
    StringConstraints(pattern=rf"^(?:{_ACCOUNT}|{_NUMERIC_ID})$", max_length=32),
    AfterValidator(_account_or_id),
]
#: a symlink's target exactly as the link stores it (what ``readlink`` prints): absolute or
#: relative, ``..`` allowed (``../lib/x`` is what such a link holds), one printable line
LinkTarget = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]+$", max_length=4096)]
FileMode = Annotated[str, BeforeValidator(_mode)]
SpecRelPath = Annotated[RelPath, AfterValidator(_no_dotdot)]
TargetPath = Annotated[AbsPath, AfterValidator(_no_dotdot)]


# --- sections ------------------------------------------------------------------------------


#: apt reads sources.list.d files only if their names use these characters
RepoName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]


class Repository(Strict):
    """A package source outside the distro, with its signing key (a file beside the spec)."""

    name: RepoName = Field(description="File name of the source (letters, digits, . _ -).")
    url: Url = Field(description="The repository's http(s) URL.")
    suite: SuiteName | None = Field(
        default=None, description="Suite (distribution); default: the base's codename.")
    components: list[SuiteName] = Field(default_factory=lambda: ["main"],
                                        description="Components to use; default: [main].")
    key: SpecRelPath | None = Field(
        default=None, description="Signing key, a file beside the spec (OpenPGP for apt/dnf, "
        ".rsa.pub for apk).")


class Service(Strict):
    running: bool = Field(default=True, description="Whether the service must be running.")
    enabled: bool = Field(default=True, description="Whether it must start at boot.")
    #: how to start it where there is no init system (containers); default: its init script
    command: list[OneLine] | None = Field(
        default=None, description="How to start it where there is no init system (containers), "
        "as an argument list; default: its init script.")


class User(Strict):
    uid: int | None = Field(default=None, ge=0, le=2**31 - 2, description="User id.")
    home: TargetPath | None = Field(default=None, description="Home directory (absolute).")
    shell: TargetPath | None = Field(default=None, description="Login shell (absolute path).")
    #: group names, or the number of a primary group that has no name (as the facts report it)
    groups: list[AccountRef] = Field(
        default_factory=list, description="Groups the user belongs to: names declared under "
        "groups: or already present, or the number of a primary group with no name.")
    system: bool = Field(default=False, description="Create it as a system account.")


class Group(Strict):
    gid: int | None = Field(default=None, ge=0, le=2**31 - 2, description="Group id.")
    system: bool = Field(default=False, description="Create it as a system group.")


class FileEntry(Strict):
    type: Literal["file", "directory", "link"] = Field(
        default="file", description="What the path is: file (default), directory or link.")
    source: SpecRelPath | None = Field(
        default=None, description="A file beside the spec whose bytes the file gets "
        "(type file; not with content).")
    content: FileText | None = Field(
        default=None, description="The file's text (type file; not with source).")
    target: LinkTarget | None = Field(
        default=None, description="What the link stores, as ln -s takes it (type link).")
    mode: FileMode | None = Field(
        default=None, description='Octal mode such as "0644"; unset: not set or compared.')
    #: None: not pinned, so neither set by provisioning nor compared by ``parity check``
    owner: AccountRef | None = Field(
        default=None, description="Owner name or numeric id; unset: not set or compared.")
    group: AccountRef | None = Field(
        default=None, description="Group name or numeric id; unset: not set or compared.")
    #: the content is a secret: provisioning creates it empty (0600 without ``mode:``) or keeps
    #: what is there; the drift checker neither compares nor even hashes it
    secret: bool = Field(
        default=False, description="true: the content is a secret that is never written or "
        "read: created empty (0600 unless mode says otherwise) when missing, kept when present; "
        "only existence, type, mode, owner and group are checked (type file; not with "
        "source or content).")

    @model_validator(mode="after")
    def _shape(self) -> FileEntry:
        if self.secret and self.type != "file":
            raise ValueError(f"secret is only for type: file, not {self.type}")
        if self.secret and (self.source is not None or self.content is not None):
            raise ValueError("a secret file has no source or content in the spec (its content "
                             "never enters the spec, images or rendered files): drop "
                             f"{'source' if self.source is not None else 'content'}, or "
                             "secret: true")
        if self.type == "file" and self.source is not None and self.content is not None:
            raise ValueError("give either source or content, not both")
        if self.type == "link" and not self.target:
            raise ValueError("a link needs target: (what the link points to, as ln -s takes it)")
        if self.type != "link" and self.target is not None:
            raise ValueError("target is only for type: link")
        if self.type != "file" and (self.source is not None or self.content is not None):
            raise ValueError(f"source/content are only for type: file, not {self.type}")
        return self


class Secret(Strict):
    """An env value supplied at run time from the caller's environment; never written anywhere."""

    secret: Literal[True] = Field(
        description="true: the value comes from the caller's environment at run time.")


class DockerTarget(Strict):
    image: ImageRef | None = Field(
        default=None, description="Image tag to build; default: <name>:dev.")
    cmd: list[OneLine] | None = Field(
        default=None, description="The container's command, as an argument list.")
    workdir: TargetPath | None = Field(
        default=None, description="The container's working directory (absolute).")
    #: ``parity up``'s ``--network`` when the command line gives none; a captured production
    #: host says ``none``, because its ports (22, 80, 5432) would collide with the developer's own
    network: Literal["host", "none"] | None = Field(
        default=None, description="How parity up networks the container when --network is not "
        "given: host (the default; the spec's ports are real on this machine) or none "
        "(isolated; the services listen inside the container only).")


class VagrantTarget(Strict):
    box: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")] | None = (
        Field(default=None, description="Vagrant box; default: the base distro's box."))
    cpus: int = Field(default=2, ge=1, le=256, description="Virtual CPUs.")
    memory: int = Field(default=2048, ge=128, le=1048576, description="Memory in MiB.")
    hostname: HostName | None = Field(
        default=None, description="The machine's hostname; default: the spec's name.")


_NIX_IDENT = r"[A-Za-z_][A-Za-z0-9_'-]*"
NixAttr = Annotated[str, StringConstraints(pattern=rf"^{_NIX_IDENT}(\.{_NIX_IDENT})*$")]


class NixTarget(Strict):
    nixpkgs: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9:/._?=&+-]+$")] = Field(
        default="github:NixOS/nixpkgs/nixos-24.05", description="The nixpkgs flake reference.")
    #: package name in the spec -> attribute path in nixpkgs, where they differ; None: nixpkgs
    #: has no such package (a distro's keyring, a plugin nixpkgs builds into another package)
    attrs: dict[PackageName, NixAttr | None] = Field(
        default_factory=dict,
        description="Package name in the spec -> attribute path in nixpkgs, where they differ; "
        "null leaves the package out of the Nix and NixOS renders (nixpkgs has no such package).")


class AciTarget(Strict):
    name: AcName | None = Field(
        default=None, description="The ACI's name (e.g. example.com/shop).")
    version: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._+~-]*$")] = Field(
        default="0.1.0", description="The ACI's version label.")
    exec: list[OneLine] | None = Field(
        default=None, description="The app's command, as an argument list; default: the "
        "entrypoint with the docker cmd.")


def _image_uuid(value: str) -> str:
    """vmadm's ``uuid`` type: 8-4-4-4-12 lowercase hex digits."""
    if not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", value):
        raise ValueError(f"{quoted(value)} is not an image UUID such as "
                         "8adac45a-aca7-11ee-b53e-00151714048c (imgadm avail lists them)")
    return value


ImageUuid = Annotated[str, AfterValidator(_image_uuid)]
#: a zone's alias: vmadm takes any string; parity keeps it to one shell- and JSON-safe word
ZoneAlias = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


class SmartosTarget(Strict):
    """A SmartOS zone (``vmadm create`` manifest); see docs/spec.md, "targets.smartos"."""

    image_uuid: ImageUuid | None = Field(
        default=None, description="The zone image's UUID (imgadm avail); default: base-64-lts "
        "of the spec's SmartOS release, or of the newest release parity knows for a Linux "
        "base.")
    brand: Literal["joyent", "joyent-minimal"] = Field(
        default="joyent", description="The zone brand: joyent or joyent-minimal.")
    alias: ZoneAlias | None = Field(
        default=None, description="The zone's alias; default: the spec's name.")
    hostname: HostName | None = Field(
        default=None, description="The zone's hostname; default: the spec's name.")
    memory: int = Field(default=1024, ge=128, le=1048576,
                        description="max_physical_memory in MiB.")
    quota: int = Field(default=10, ge=1, le=102400, description="Disk quota in GiB.")
    #: spec package name -> pkgsrc package name; null leaves the package out of the zone
    packages: dict[PackageName, PackageName | None] = Field(
        default_factory=dict,
        description="Package name in the spec -> pkgsrc package name, where they differ; "
        "null leaves the package out of the zone.")


class Targets(Strict):
    docker: DockerTarget = Field(default_factory=DockerTarget,
                                 description="Settings of the docker target.")
    vagrant: VagrantTarget = Field(default_factory=VagrantTarget,
                                   description="Settings of the vagrant target.")
    nix: NixTarget = Field(default_factory=NixTarget, description="Settings of the nix target.")
    aci: AciTarget = Field(default_factory=AciTarget, description="Settings of the aci target.")
    smartos: SmartosTarget = Field(default_factory=SmartosTarget,
                                   description="Settings of the smartos target.")


class IgnoreRule(Strict):
    """Silence findings whose path (``kind/name/field``) matches ``path``, until ``expires``."""

    path: OneLine = Field(description="Glob over finding paths (kind/name/field).")
    reason: OneLine = Field(description="Why these findings are accepted.")
    expires: date | None = Field(
        default=None, description="Date (YYYY-MM-DD) after which the rule no longer applies.")


class Drift(Strict):
    ignore: list[IgnoreRule] = Field(default_factory=list,
                                     description="Findings to silence, each with a reason.")


_PORT_TEXT = r"^[0-9]{1,5}(/(tcp|udp))?$"


def _port_type(value: Any) -> Any:
    """One clear message per bad port, before pydantic's lax parsing: YAML ``true`` is an int to
    Python and ``80.0`` would coerce to 80, yet neither is a port as written; and a bad string
    would otherwise get one error per branch of ``int | str``."""
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a port; write a number such as 80, "
                         "or \"53/udp\"")
    if isinstance(value, float):
        raise ValueError(f"{scalar_source(value)} is not a port; write a whole number such as 80")
    if isinstance(value, str) and not re.fullmatch(_PORT_TEXT, value):
        raise ValueError(f"{quoted(value)} is not a port: write a number, optionally followed "
                         "by /tcp or /udp (80, \"53/udp\")")
    if not isinstance(value, (int, str)):
        raise ValueError(f"a port is a number such as 80 or a string such as \"53/udp\", "
                         f"not a {type(value).__name__}")
    return value


def _port_range(value: int | str) -> int | str:
    """Checked per item (not per list), so every bad port gets its own ``ports.N`` line."""
    if not 1 <= int(str(value).split("/")[0]) <= 65535:
        raise ValueError(f"port {value} is outside 1-65535")
    return value


Port = Annotated[
    int | Annotated[str, StringConstraints(pattern=_PORT_TEXT)],
    BeforeValidator(_port_type),
    AfterValidator(_port_range),
]


def _known_bases(schema: dict[str, Any]) -> None:
    """``base:`` in the JSON Schema: an enum of the distros parity knows (parity.distros)."""
    from parity.distros import DISTROS

    schema["enum"] = sorted(DISTROS)


class SpecModel(Strict):
    """The whole of ``parity.yaml`` (format version 1)."""

    parity: Literal[1] = Field(description="Spec format version: the number 1.")
    name: HostName = Field(
        description="Environment name; container <name>-dev and image <name>:dev by default.")
    #: the loader refuses any other base (parity.spec); the enum only tells editors so
    base: OneLine = Field(description="Base distribution, distro:release.",
                          json_schema_extra=_known_bases)
    description: OneLine | None = Field(
        default=None, description="One line, shown in generated files.")
    packages: dict[PackageName, VersionConstraint] = Field(
        default_factory=dict, description="Packages every environment has (prod included): "
        'name -> version constraint ("1.22.*", ">=7.88", "*").')
    repositories: list[Repository] = Field(
        default_factory=list, description="Extra package sources.")
    dev_packages: dict[PackageName, VersionConstraint] = Field(
        default_factory=dict, description="Packages of dev environments only: name -> version "
        "constraint.")
    services: dict[ServiceName, Service] = Field(
        default_factory=dict, description="Services, by name.")
    users: dict[AccountName, User] = Field(default_factory=dict, description="Accounts, by name.")
    groups: dict[AccountName, Group] = Field(default_factory=dict, description="Groups, by name.")
    files: dict[TargetPath, FileEntry] = Field(
        default_factory=dict, description="Files, directories and links, by absolute path.")
    env: dict[EnvName, OneLine | Secret] = Field(
        default_factory=dict, description="Environment variables: NAME -> value, or "
        "{secret: true} for a value given at run time.")
    ports: list[Port] = Field(
        default_factory=list, description='Ports expected to listen: 80 (tcp) or "53/udp".')
    sysctl: dict[SysctlKey, SysctlValue] = Field(
        default_factory=dict, description="Kernel settings: key -> value.")
    ipadm: dict[IpadmProtocol, dict[IpadmProperty, IpadmValue]] = Field(
        default_factory=dict, description="SmartOS/illumos network tunables, as `ipadm set-prop "
        "-p PROPERTY=VALUE PROTOCOL` sets them: protocol (ipv4, ipv6, icmp, tcp, udp, sctp) -> "
        "property -> value. Checked on SmartOS hosts only; Linux hosts report it as not "
        "applicable.")
    provision: list[SpecRelPath] = Field(
        default_factory=list, description="Scripts beside the spec, run after packages, users "
        "and files, in every target.")
    targets: Targets = Field(default_factory=Targets, description="Per-target settings.")
    hosts: dict[HostName, OneLine] = Field(
        default_factory=dict, description="Named hosts for drift checks: name -> URL "
        "(docker://shop-dev, ssh://deploy@web-1).")
    drift: Drift = Field(default_factory=Drift, description="Drift check settings.")

    @field_validator("env", mode="before")
    @classmethod
    def _env_scalars(cls, value: Any) -> Any:
        """YAML turns ``PORT: 8080`` into an int; env values are strings, as written."""
        if isinstance(value, dict):
            return {k: _as_written(v) for k, v in value.items()}
        return value

    @field_validator("sysctl", mode="before")
    @classmethod
    def _sysctl_scalars(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _as_written(v) for k, v in value.items()}
        return value

    @field_validator("ipadm", mode="before")
    @classmethod
    def _ipadm_scalars(cls, value: Any) -> Any:
        """Numbers as written (``max_buf: 1048576``); ``true``/``false`` are refused, since
        ipadm's switches are spelled ``on``/``off`` and a silent translation would hide that."""
        if not isinstance(value, dict):
            return value
        out: dict[Any, Any] = {}
        for proto, props in value.items():
            if isinstance(props, dict):
                for name, v in props.items():
                    if isinstance(v, bool):
                        raise ValueError(f"{proto}.{name}: ipadm spells switches on/off; "
                                         f"write {name}: {'on' if v else 'off'}")
                props = {k: _as_written(v) for k, v in props.items()}
            out[proto] = props
        return out

    @model_validator(mode="after")
    def _dev_overlap(self) -> SpecModel:
        both = sorted(set(self.packages) & set(self.dev_packages))
        if both:
            raise ValueError(
                f"{', '.join(both)} listed in both packages and dev_packages; keep one"
            )
        return self
