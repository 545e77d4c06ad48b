<#
.SYNOPSIS
  Runs the Gongkai kiosk for the logged-on kiosk user and starts it again
  whenever it exits: the Windows counterpart of systemd's Restart=always.
  Started at logon by the "Gongkai kiosk" scheduled task (install-kiosk.ps1).
#>
param(
    [string] $DataDir = "$env:ProgramData\Gongkai",
    [int] $RestartSec = 5
)

# The screen saver setting is per user, so it is turned off here, as the
# kiosk user, every time; it takes effect at the next logon at the latest.
$desktop = "HKCU:\Control Panel\Desktop"
Set-ItemProperty $desktop ScreenSaveActive "0"
Set-ItemProperty $desktop ScreenSaveTimeOut "0"
Remove-ItemProperty $desktop SCRNSAVE.EXE -ErrorAction SilentlyContinue

$exe = Join-Path $PSScriptRoot "gongkai.exe"
$log = Join-Path $DataDir "gongkai-run.log"
while ($true) {
    $p = Start-Process -FilePath $exe -ArgumentList @("kiosk", "--data", "`"$DataDir`"", "--fullscreen") -PassThru -Wait
    Add-Content $log ("{0:u} gongkai.exe exited with code {1}; restarting in {2}s" -f (Get-Date), $p.ExitCode, $RestartSec)
    Start-Sleep -Seconds $RestartSec
}
