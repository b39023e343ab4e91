; Inno Setup 6 (6.3 or newer) script: turns dist\nnsim\ from PyInstaller into
; dist\nnsim-<version>-setup.exe with a Start-menu shortcut and an uninstaller.
; From the repository root, after PyInstaller (packaging\windows\build.ps1 runs both steps):
;   iscc /DAppVersion=<nnsim.__version__> packaging\windows\nnsim.iss
; Relative paths below are relative to this file.

#ifndef AppVersion
  #error Pass the version from the package: iscc /DAppVersion=<version> packaging\windows\nnsim.iss
#endif

[Setup]
; The AppId identifies nnsim to Windows across versions: never change it.
AppId={{9914122E-1B68-4D38-B043-BC5C37A78A59}
AppName=nnsim
AppVersion={#AppVersion}
AppVerName=nnsim {#AppVersion}
AppPublisher=nnsim
DefaultDirName={autopf}\nnsim
DefaultGroupName=nnsim
DisableProgramGroupPage=yes
; Students install without administrator rights (per user); an admin may still install for all.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=nnsim-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\nnsim.ico
UninstallDisplayIcon={app}\nnsim.exe
UninstallDisplayName=nnsim {#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\nnsim\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; Start in Documents, where file dialogs without a folder of their own then open.
Name: "{autoprograms}\nnsim"; Filename: "{app}\nnsim.exe"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\nnsim"; Filename: "{app}\nnsim.exe"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\nnsim.exe"; Description: "{cm:LaunchProgram,nnsim}"; Flags: nowait postinstall skipifsilent
