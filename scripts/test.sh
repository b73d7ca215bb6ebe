#!/usr/bin/env bash
# Lumen's test command: installs what the tests need (once), makes the test models, runs the tests.
#   - Debian packages: PyTorch, torchvision and onnx (to export reference models), ONNX's test data,
#     PostgreSQL, chromium with its chromedriver (the viewer's tests drive it headless), pydicom and
#     nibabel (their test files are real DICOM and NIfTI no one here wrote; they decode them for the
#     reference values, pydicom through GDCM's python3-gdcm), mricron-data (real brain MRI volumes),
#     dcmtk's and GDCM's reference encoders (dcmcjpeg, gdcmconv: more JPEG Lossless and JPEG 2000
#     files), dicom3tools (dciodvfy checks the
#     DICOM objects Lumen writes), Orthanc with its DICOMweb plugin (the PACS tests start their own,
#     on a free localhost port, and stop it by its process)
#   - build/test-models: torchvision architectures with PyTorch reference numbers
#   - build/dicom-references: pydicom's and nibabel's values of their own test files
#   - a PostgreSQL server of its own on a free localhost port, for the results-store tests
#     (LUMEN_TEST_POSTGRES_URL), stopped when the tests end
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
packages=(python3-torch python3-torchvision python3-onnx libonnx-testdata postgresql chromium chromium-driver python3-pydicom python3-gdcm python3-nibabel python3-scipy python3-skimage mricron-data dcmtk libgdcm-tools dicom3tools orthanc orthanc-dicomweb)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Debian's PyTorch is installed for Debian's own Python.
if [ ! -f build/test-models/.complete ] || [ scripts/make-test-models.py -nt build/test-models/.complete ] \
    || [ scripts/lrp_references.py -nt build/test-models/.complete ]; then
  /usr/bin/python3 scripts/make-test-models.py build/test-models
  touch build/test-models/.complete
fi
if [ ! -f build/dicom-references/index.tsv ] || [ scripts/make-dicom-references.py -nt build/dicom-references/index.tsv ]; then
  /usr/bin/python3 scripts/make-dicom-references.py build/dicom-references
fi
scripts/postgres.sh start
trap 'scripts/postgres.sh stop' EXIT
LUMEN_TEST_POSTGRES_URL="$(scripts/postgres.sh url)" ./mvnw -B verify "$@"
