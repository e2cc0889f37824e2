using System.ComponentModel;
using System.Diagnostics;

namespace PoisonCert.Cli.Datasets;

/// <summary>The result of running a program: exit code and what it printed.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error);

/// <summary>Runs external programs (apt-get, dpkg-deb, npm); tests replace it.</summary>
public interface IProcessRunner
{
    /// <summary>Runs <paramref name="program"/> in <paramref name="folder"/>; null when the program is not installed.</summary>
    ProcessResult? Run(string program, IReadOnlyList<string> arguments, string folder, TimeSpan timeout);
}

public sealed class SystemProcessRunner : IProcessRunner
{
    public ProcessResult? Run(string program, IReadOnlyList<string> arguments, string folder, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start '{program}'.");
        }
        catch (Win32Exception)
        {
            return null;
        }
        using (process)
        {
            process.StandardInput.Close();
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return new ProcessResult(-1, output.Result, error.Result + $"\n(stopped after {timeout.TotalSeconds:F0} s without finishing: is the package registry reachable?)");
            }
            return new ProcessResult(process.ExitCode, output.Result, error.Result);
        }
    }
}
