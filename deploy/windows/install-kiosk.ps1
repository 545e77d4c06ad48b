<#
.SYNOPSIS
  Turns a Windows 10/11 mini-PC into a Gongkai screen: a local kiosk user that
  logs on by itself, starts the kiosk at logon, restarts it when it exits,
  and never blanks the screen. See DEPLOY.md. Run once, as Administrator:

    powershell -ExecutionPolicy Bypass -File install-kiosk.ps1 -Exe .\gongkai.exe

  Then provision the screen (gongkai-console.exe init ...) and reboot.
#>
param(
    [Parameter(Mandatory)] [string] $Exe,                  # dist\gongkai.exe
    [string] $InstallDir = "$env:ProgramFiles\Gongkai",
    [string] $DataDir = "$env:ProgramData\Gongkai",
    [string] $UserName = "gongkai",
    [SecureString] $Password                                # asked for when omitted
)
$ErrorActionPreference = "Stop"

if (-not $Password) { $Password = Read-Host "Password for the local user $UserName" -AsSecureString }
$plain = [Runtime.InteropServices.Marshal]::PtrToStringAuto(
    [Runtime.InteropServices.Marshal]::SecureStringToBSTR($Password))

# 1. Program files: the kiosk (GUI), the console build for admins, the runner.
New-Item -ItemType Directory -Force $InstallDir, $DataDir | Out-Null
Copy-Item $Exe (Join-Path $InstallDir "gongkai.exe") -Force
$console = Join-Path (Split-Path $Exe) "gongkai-console.exe"
if (Test-Path $console) { Copy-Item $console $InstallDir -Force }
Copy-Item (Join-Path $PSScriptRoot "gongkai-run.ps1") $InstallDir -Force

# 2. A standard (not administrator) local user that only runs the kiosk.
if (-not (Get-LocalUser -Name $UserName -ErrorAction SilentlyContinue)) {
    New-LocalUser -Name $UserName -Password $Password -FullName "Gongkai kiosk" `
        -Description "Runs the Gongkai screen" -PasswordNeverExpires -UserMayNotChangePassword | Out-Null
    Add-LocalGroupMember -Group "Users" -Member $UserName
}
# The data directory belongs to the kiosk user (it syncs and writes its log),
# and to nobody else: it holds the screen's private key (device.key) and the
# admin PIN's hash, and Windows ignores the 0600 mode gongkai gives them, so
# the folder's own list is what keeps them private. ProgramData lets every
# local user read what it holds: drop what the folder inherits from it and
# keep SYSTEM (S-1-5-18), Administrators (S-1-5-32-544) and the kiosk user.
icacls $DataDir /inheritance:r /grant:r "*S-1-5-18:(OI)(CI)F" "*S-1-5-32-544:(OI)(CI)F" "${UserName}:(OI)(CI)M" | Out-Null
if ($LASTEXITCODE -ne 0) { throw "icacls could not make $DataDir private to $UserName" }

# 3. Auto-logon: the documented Winlogon values
# (learn.microsoft.com/troubleshoot/windows-server/user-profiles-and-logon/turn-on-automatic-logon).
# DefaultPassword is stored in clear in HKLM; Sysinternals Autologon stores
# it as an LSA secret instead, and is the better choice where allowed.
$winlogon = "HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon"
Set-ItemProperty $winlogon AutoAdminLogon "1"
Set-ItemProperty $winlogon DefaultUserName $UserName
Set-ItemProperty $winlogon DefaultDomainName $env:COMPUTERNAME
Set-ItemProperty $winlogon DefaultPassword $plain
Remove-ItemProperty $winlogon AutoLogonCount -ErrorAction SilentlyContinue   # would end auto-logon after N boots

# No lock screen in front of the kiosk after a logon or a wake-up.
$personal = "HKLM:\SOFTWARE\Policies\Microsoft\Windows\Personalization"
New-Item -Force $personal | Out-Null
Set-ItemProperty $personal NoLockScreen 1 -Type DWord

# 4. Start at logon of the kiosk user, through gongkai-run.ps1, which restarts
# the kiosk whenever it exits (Task Scheduler's own restart only covers a
# task that fails to start, not a program that crashes later).
$run = Join-Path $InstallDir "gongkai-run.ps1"
$action = New-ScheduledTaskAction -Execute "powershell.exe" `
    -Argument "-NoProfile -NonInteractive -WindowStyle Hidden -ExecutionPolicy Bypass -File `"$run`" -DataDir `"$DataDir`""
$trigger = New-ScheduledTaskTrigger -AtLogOn -User "$env:COMPUTERNAME\$UserName"
$principal = New-ScheduledTaskPrincipal -UserId "$env:COMPUTERNAME\$UserName" -LogonType Interactive -RunLevel Limited
$settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries `
    -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
    -MultipleInstances IgnoreNew
Register-ScheduledTask -TaskName "Gongkai kiosk" -Action $action -Trigger $trigger `
    -Principal $principal -Settings $settings -Force | Out-Null

# 5. Never sleep, never turn the monitor off (current power plan, AC and DC).
powercfg /change monitor-timeout-ac 0
powercfg /change monitor-timeout-dc 0
powercfg /change standby-timeout-ac 0
powercfg /change standby-timeout-dc 0
# The screen saver is per user: gongkai-run.ps1 turns it off for the kiosk user.

# Notices are dated in Beijing time.
Set-TimeZone -Id "China Standard Time"

Write-Host "Installed. Provision the screen as $UserName's data dir, then reboot:"
Write-Host "  & `"$InstallDir\gongkai-console.exe`" init --data `"$DataDir`" --location CODE --pubkey publisher.pub --source URL"
