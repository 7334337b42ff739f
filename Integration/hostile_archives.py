"""Hostile distribution files for the hostile-input suite: each is a function of the project
name and version it claims, returning (filename, bytes). They are built here, in memory,
with the standard library (and raw bytes where the standard library refuses to write such a
thing), so that the suite can upload them and serve them from a hostile upstream alike."""
from __future__ import annotations

import gzip
import io
import struct
import tarfile
import zipfile
import zlib

GOOD_METADATA = "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: hostile\n"


def metadata(name: str, version: str, extra: str = "") -> bytes:
    return (GOOD_METADATA.format(name=name, version=version) + extra).encode()


def wheel(name: str, version: str, entries: dict[str, bytes] | None = None, *, meta: bytes | None = None,
          compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    info = f"{name}-{version}.dist-info"
    files = {f"{name}/__init__.py": b"", f"{info}/METADATA": meta if meta is not None else metadata(name, version),
             f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: hostile\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
             f"{info}/RECORD": b""}
    files.update(entries or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, (2020, 1, 1, 0, 0, 0))
            info.compress_type = compression
            archive.writestr(info, data)
    return out.getvalue()


def tar_member(path: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE, link: str = "") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(path)
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.type = kind
    info.linkname = link
    return info, data


def sdist_tar(name: str, version: str, members: list[tuple[tarfile.TarInfo, bytes]] | None = None, *,
              meta: bytes | None = None, pax: bool = False) -> bytes:
    top = f"{name}-{version}"
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT if pax else tarfile.GNU_FORMAT) as archive:
        for info, data in [tar_member(f"{top}/PKG-INFO", meta if meta is not None else metadata(name, version)),
                           tar_member(f"{top}/setup.py", b"")] + (members or []):
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def pkg_info_symlink(name: str, version: str) -> bytes:
    """An sdist whose PKG-INFO is a link to a file outside it."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for info, data in [tar_member(f"{name}-{version}/PKG-INFO", kind=tarfile.SYMTYPE, link="../../../../etc/passwd"),
                           tar_member(f"{name}-{version}/setup.py", b"")]:
            archive.addfile(info, io.BytesIO(data))
    return gz(out.getvalue())


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def raw_tar_header(name: str, size_field: bytes, kind: bytes) -> bytes:
    """A ustar header with any size field, its checksum made right."""
    block = bytearray(512)
    block[0:len(name)] = name.encode()
    block[100:108] = b"0000644\0"
    block[108:116] = b"0000000\0"
    block[116:124] = b"0000000\0"
    block[124:136] = size_field.ljust(12, b"\0")[:12]
    block[136:148] = b"00000000000\0"
    block[156:157] = kind
    block[257:263] = b"ustar\0"
    block[263:265] = b"00"
    block[148:156] = b" " * 8
    block[148:156] = f"{sum(block):06o}\0 ".encode()
    return bytes(block)


def pax_overflow(name: str, version: str) -> bytes:
    record = b"9223372036854775807 path=x\n"
    header = raw_tar_header("PaxHeader", f"{len(record):011o}".encode(), b"x")
    body = record + b"\0" * (512 - len(record))
    return gz(header + body + sdist_tar(name, version))


def huge_size_field(name: str, version: str) -> bytes:
    """A GNU base-256 size field of 2^63 - 1 bytes."""
    field = bytes([0x80]) + b"\0" * 3 + b"\x7f" + b"\xff" * 7
    return gz(raw_tar_header(f"{name}-{version}/PKG-INFO", field, b"0") + b"\0" * 1024)


def with_central_entry(name: str, version: str, patch) -> bytes:
    """A stored wheel whose METADATA entry in the central directory `patch(data, at)` changes."""
    data = bytearray(wheel(name, version, compression=zipfile.ZIP_STORED))
    entry = f"{name}-{version}.dist-info/METADATA".encode()
    central = data.find(b"PK\x01\x02")
    while central != -1:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46:central + 46 + length]) == entry:
            patch(data, central)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def zip_lying_sizes(name: str, version: str) -> bytes:
    """A wheel whose central directory claims its METADATA is 4 GiB."""
    return with_central_entry(name, version, lambda data, at: struct.pack_into("<I", data, at + 24, 0xFFFF_FFFE))


def zip_bad_crc(name: str, version: str) -> bytes:
    """A wheel whose central directory gives its METADATA another CRC-32."""
    return with_central_entry(
        name, version, lambda data, at: struct.pack_into("<I", data, at + 16, struct.unpack_from("<I", data, at + 16)[0] ^ 0xFFFF))


def zip_method(name: str, version: str, method: int, flags: int = 0) -> bytes:
    """A wheel whose METADATA claims another compression method (or flags) in both headers."""
    data = bytearray(wheel(name, version, compression=zipfile.ZIP_STORED))
    entry = f"{name}-{version}.dist-info/METADATA".encode()
    for signature, name_at, method_at, flags_at in ((b"PK\x03\x04", 30, 8, 6), (b"PK\x01\x02", 46, 10, 8)):
        at = data.find(signature)
        while at != -1:
            length = struct.unpack_from("<H", data, at + (26 if signature == b"PK\x03\x04" else 28))[0]
            if bytes(data[at + name_at:at + name_at + length]) == entry:
                struct.pack_into("<H", data, at + method_at, method)
                struct.pack_into("<H", data, at + flags_at, flags)
            at = data.find(signature, at + 4)
    return bytes(data)


def zip64_bogus_offset(name: str, version: str) -> bytes:
    """An end of central directory that sends the reader to a zip64 record at 2^63."""
    data = wheel(name, version)
    eocd = data.rfind(b"PK\x05\x06")
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, 0x7FFF_FFFF_FFFF_FFFF, 1)
    end = bytearray(data[eocd:])
    struct.pack_into("<I", end, 16, 0xFFFF_FFFF)
    return data[:eocd] + locator + bytes(end)


def deflate_bomb_metadata(name: str, version: str) -> bytes:
    """A METADATA of 64 MiB of spaces: compresses to about 64 KiB."""
    return wheel(name, version, meta=metadata(name, version) + b" " * (64 << 20))


def gzip_bomb(name: str, version: str) -> bytes:
    """An sdist that expands to 300 MiB (a ratio far over 200) before any PKG-INFO."""
    stream = zlib.compressobj(9, zlib.DEFLATED, 31)
    tar = raw_tar_header(f"{name}-{version}/padding", f"{300 << 20:011o}".encode(), b"0")
    chunks = [stream.compress(tar)]
    zeros = b"\0" * (1 << 20)
    for _ in range(300):
        chunks.append(stream.compress(zeros))
    chunks.append(stream.flush())
    return b"".join(chunks)


def cases() -> dict[str, tuple[str, callable]]:
    """name -> (filename template, builder(name, version) -> bytes). Every one must be refused
    as an upload; those in SYNC_REFUSED must also be refused when a sync brings them."""
    w, s = "{n}-{v}-py3-none-any.whl", "{n}-{v}.tar.gz"
    return {
        "zip-dotdot-entry": (w, lambda n, v: wheel(n, v, {"../../evil.py": b"x"})),
        "zip-absolute-entry": (w, lambda n, v: wheel(n, v, {"/etc/cron.d/evil": b"x"})),
        "zip-backslash-entry": (w, lambda n, v: wheel(n, v, {"..\\..\\evil.py": b"x"})),
        "zip-drive-letter-entry": (w, lambda n, v: wheel(n, v, {"C:/evil.py": b"x"})),
        "zip-two-metadata": (w, lambda n, v: wheel(n, v, {f"other-{v}.dist-info/METADATA": metadata("other", v)})),
        "zip-no-metadata": (w, lambda n, v: wheel(n, v, meta=b"").replace(b"METADATA", b"NOTADATA")),
        "zip-metadata-bomb": (w, deflate_bomb_metadata),
        "zip-lying-size": (w, zip_lying_sizes),
        "zip-bad-crc": (w, zip_bad_crc),
        "zip-encrypted": (w, lambda n, v: zip_method(n, v, 0, flags=1)),
        "zip-unknown-method": (w, lambda n, v: zip_method(n, v, 99)),
        "zip64-bogus-offset": (w, zip64_bogus_offset),
        "zip-truncated": (w, lambda n, v: wheel(n, v)[:300]),
        "zip-empty-file": (w, lambda n, v: b""),
        "zip-not-a-zip": (w, lambda n, v: b"\x7fELF" + b"\0" * 4000),
        "zip-other-project-metadata": (w, lambda n, v: wheel(n, v, meta=metadata("someone-else", v))),
        "zip-other-version-metadata": (w, lambda n, v: wheel(n, v, meta=metadata(n, "9.9"))),
        "tar-pax-length-overflow": (s, pax_overflow),
        "tar-huge-size-field": (s, huge_size_field),
        "tar-symlink-escaping": (s, lambda n, v: gz(sdist_tar(n, v, [tar_member(f"{n}-{v}/evil", kind=tarfile.SYMTYPE, link="../../../../etc/passwd")]))),
        "tar-pkg-info-symlink": (s, pkg_info_symlink),
        "tar-absolute-hardlink": (s, lambda n, v: gz(sdist_tar(n, v, [tar_member(f"{n}-{v}/evil", kind=tarfile.LNKTYPE, link="/etc/passwd")]))),
        "tar-dotdot-entry": (s, lambda n, v: gz(sdist_tar(n, v, [tar_member("../../evil", b"x")]))),
        "tar-two-pkg-info": (s, lambda n, v: gz(sdist_tar(n, v, [tar_member(f"{n}-{v}/PKG-INFO", metadata(n, v))]))),
        "tar-truncated": (s, lambda n, v: (lambda data: data[:len(data) // 2])(gz(sdist_tar(n, v)))),
        "tar-bad-checksum": (s, lambda n, v: gz(bytes(b ^ 1 if i == 148 else b for i, b in enumerate(sdist_tar(n, v))))),
        "gzip-bomb": (s, gzip_bomb),
        "gzip-garbage": (s, lambda n, v: b"\x1f\x8b\x08\x00" + b"\xff" * 2000),
        "pkg-info-over-8-mib": (s, lambda n, v: gz(sdist_tar(n, v, meta=metadata(n, v) + b"x" * (9 << 20)))),
        "metadata-license-nesting-bomb": (w, lambda n, v: wheel(n, v, meta=metadata(n, v, "License-Expression: " + "(" * 1_000_000 + "MIT" + ")" * 1_000_000 + "\n").replace(b"2.1", b"2.4", 1))),
    }


# Archives that are not distributions at all, or that point outside themselves: a sync must
# refuse them too (a sync reads leniently, so metadata that merely disagrees is taken).
SYNC_REFUSED = [
    "zip-dotdot-entry", "zip-absolute-entry", "zip-two-metadata", "zip-no-metadata", "zip-metadata-bomb", "zip-lying-size",
    "zip-bad-crc", "zip-encrypted", "zip-unknown-method", "zip64-bogus-offset", "zip-truncated", "zip-empty-file", "zip-not-a-zip",
    "tar-pax-length-overflow", "tar-huge-size-field", "tar-symlink-escaping", "tar-pkg-info-symlink", "tar-absolute-hardlink", "tar-dotdot-entry",
    "tar-two-pkg-info", "tar-truncated", "tar-bad-checksum", "gzip-bomb", "gzip-garbage", "pkg-info-over-8-mib",
]
