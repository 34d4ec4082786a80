"""The official source files the project imports, each pinned by SHA-256 (and size, where known), and their fetching.

`iopfinder data fetch` downloads them from their publishers (or from a mirror given as a base URL)
into the cache, with the layout of ../shared/data (`<dest>/samhsa/<file>`). A file takes its final
name only once it is whole and verified, so a failed fetch never leaves a bad file behind.
"""

import hashlib
import http.client
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from facility import defaults

CHUNK_BYTES = 1 << 16
# A file whose size is not pinned is verified by its checksum alone; a download that runs past this
# (some ten times a directory workbook) is stopped rather than read to the end.
UNSIZED_CAP_BYTES = 32 << 20


class DataFileError(Exception):
    """A file that cannot be fetched or verified, or an edition with no pinned file; the message says which."""


@dataclass(frozen=True)
class DataFile:
    name: str  # where it is stored under the data folder, as in ../shared/data
    publisher: str
    url: str
    sha256: str
    size: int | None = None  # None: not known, so not checked; the download stops at UNSIZED_CAP_BYTES

    def source(self, base_url: str | None = None) -> str:
        """The publisher's URL, or with `base_url` the same path on that host instead."""
        return base_url.rstrip("/") + urlsplit(self.url).path if base_url else self.url


def samhsa_file(path: str, sha256: str, size: int | None = None) -> DataFile:
    """A file SAMHSA publishes at `path` under its data site's files, stored under SAMHSA's own file name."""
    return DataFile(name="samhsa/" + unquote(path.rpartition("/")[2]), publisher="SAMHSA",
                    url=f"https://www.samhsa.gov/data/sites/default/files/{path}", sha256=sha256, size=size)


# SAMHSA's National Directory of Drug and Alcohol Use Treatment Facilities, by edition, stored under
# SAMHSA's own file name (the importer reads the edition from the year in it). Each workbook is listed on
# SAMHSA's N-SUMHSS "national directories" page of its year, .../n-sumhss-national-substance-use-and-
# mental-health-services-survey/national-directories/<edition>. The checksums are those of an independent
# public manifest of SAMHSA's downloads (github.com/studhall/samhsa-treatment-facility-directories,
# config/xlsx_manifest.csv); the 2022 and 2023 workbooks in ../shared/data match them. The 2024 and 2025
# paths are those public projects fetch the files from; their sizes are not known.
DIRECTORIES = {
    2022: samhsa_file("reports/rpt35993/SA%20facilites/SU%20Directory/National_Directory_SA_Facilities_2022.xlsx",
                      "e1df0a3d43f28c9410a45ab6bdb6250bfd19f5d176a97f893f15d63ff15c154b", 1_881_040),
    # NOT CONFIRMED: no public source found gives this file's download path; its folder is a guess (the
    # other editions sit under reports/rpt<number>/, and the 2023 edition's report number is not known).
    2023: samhsa_file("national-directory-su-facilities-2023.xlsx",
                      "550715b0e57b2eecd75c0cb937ecaafaf337e3cfc5e7c655d57f7a3c00493fa3", 2_115_737),
    2024: samhsa_file("reports/rpt53015/National%20Directory%20SU%202024_Final.xlsx",
                      "85f0b2f0a65d3a823b0ca0118c8979feaee6e8600c4dfa274346488c68ba5327"),
    2025: samhsa_file("reports/rpt57009/2025_SU_Facilities_for_All_City_All.xlsx",
                      "2ea20861c89dca299f8ee6b19f4dc9831ac2c3d8b67055cd69f71896a3f32a3e"),
}

# SAMHSA's treatment-locator export with SAMHSA's coordinates (about mid-2021), as the GeoDaCenter's
# opioid-policy-scan repository publishes it; the URL names a commit, so its bytes do not change.
LOCATOR = DataFile(
    name="samhsa/locator_export_2021_geocoded.csv",
    publisher="GeoDaCenter opioid-policy-scan (from SAMHSA's treatment locator)",
    url="https://raw.githubusercontent.com/GeoDaCenter/opioid-policy-scan/fc3d94053dd1941a96a5945d73cc6f4845453484/"
        "data_final/Health%20Resources/SubstanceUseTreatment_Geocoded.csv",
    sha256="d481af3123a8ef70d03ca8c263e057a4647f8283956be0a262a8f6aa8b02c051",
    size=1_607_078,
)


def catalogue(edition: str = "latest") -> list[DataFile]:
    """The files an import needs: the directory of `edition` (a year, `latest` or `all`) and the locator export."""
    if edition == "all":
        return [*DIRECTORIES.values(), LOCATOR]
    year = max(DIRECTORIES) if edition == "latest" else int(edition) if edition.isdigit() else None
    if year not in DIRECTORIES:
        pinned = ", ".join(map(str, sorted(DIRECTORIES)))
        raise DataFileError(f"edition {edition}: no pinned directory (pinned editions: {pinned}; or latest, all)")
    return [DIRECTORIES[year], LOCATOR]


@dataclass
class FetchReport:
    fetched: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)  # already there with the pinned checksum
    failed: list[str] = field(default_factory=list)  # one message a file


def fetch(files: Iterable[DataFile], dest: Path, base_url: str | None = None,
          console: Console | None = None) -> FetchReport:
    """Download each file that `dest` does not already hold verified; progress goes to `console`, if any."""
    report = FetchReport()
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  console=console, disable=console is None,
                  transient=not (console and console.is_terminal)) as progress:
        for file in files:
            final = dest / file.name
            if verified(final, file):
                report.present.append(file.name)
                continue
            task = progress.add_task(file.name, total=file.size)
            try:
                _download(file, file.source(base_url), final, lambda n: progress.advance(task, n))
            except DataFileError as error:
                report.failed.append(str(error))
            else:
                report.fetched.append(file.name)
    return report


def verified(path: Path, file: DataFile) -> bool:
    """Whether `path` holds exactly the pinned bytes."""
    try:
        if file.size is not None and path.stat().st_size != file.size:
            return False
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest() == file.sha256
    except OSError:
        return False


def _download(file: DataFile, url: str, final: Path, advance: Callable[[int], None]) -> None:
    partial = final.with_name(final.name + ".partial")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        out = open(partial, "wb")
    except OSError as error:
        raise DataFileError(f"{file.name}: cannot write {partial} ({error.strerror})") from None
    try:
        with out:
            digest, received, declared = _copy(file, url, out, advance)
        expected = max(declared or 0, file.size or 0)
        if received < expected:
            raise DataFileError(f"{file.name}: truncated download from {url} ({received:,} of {expected:,} bytes)")
        if digest != file.sha256:
            raise DataFileError(f"{file.name}: checksum mismatch for {url} (sha256 {digest}, pinned {file.sha256})")
        partial.replace(final)  # the final name only ever holds a verified file
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _copy(file: DataFile, url: str, out: BinaryIO, advance: Callable[[int], None]) -> tuple[str, int, int | None]:
    """Stream `url` into `out`: (sha256, bytes received, Content-Length or None)."""
    digest, received = hashlib.sha256(), 0
    limit, what = (file.size, "the pinned") if file.size is not None else (UNSIZED_CAP_BYTES, "the cap of")
    request = urllib.request.Request(url, headers={"User-Agent": defaults.CRAWL_USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=defaults.CRAWL_TIMEOUT_S) as response:
            length = response.headers.get("Content-Length", "")
            declared = int(length) if length.isdigit() else None
            while chunk := response.read(CHUNK_BYTES):
                received += len(chunk)
                if received > limit:
                    raise DataFileError(f"{file.name}: {url} sends more than {what} {limit:,} bytes")
                digest.update(chunk)
                out.write(chunk)
                advance(len(chunk))
    except http.client.IncompleteRead as error:  # newer Pythons raise it when the body falls short
        return digest.hexdigest(), received + len(error.partial), error.expected + received + len(error.partial)
    except urllib.error.HTTPError as error:
        raise DataFileError(f"{file.name}: HTTP {error.code} {error.reason} from {url}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        what = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
        host = urlsplit(url).netloc
        raise DataFileError(f"{file.name}: download from {host} failed ({what[:1].lower() + what[1:]})") from None
    return digest.hexdigest(), received, declared
