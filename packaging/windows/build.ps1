# Build nnsim for Windows: dist\nnsim\ (PyInstaller), then dist\nnsim-<version>-setup.exe (Inno Setup 6).
# From the repository root, in a venv with nnsim and pyinstaller installed:
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")

$version = (python -c "import nnsim; print(nnsim.__version__)").Trim()
python -m PyInstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller packaging\nnsim.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

$iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"
if (-not (Test-Path $iscc)) { $iscc = "iscc" }  # else it must be on the PATH
& $iscc "/DAppVersion=$version" packaging\windows\nnsim.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Write-Host "installer: dist\nnsim-$version-setup.exe"
