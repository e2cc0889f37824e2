namespace PoisonCert.Cli;

/// <summary>The command's exit codes, the same for every subcommand.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The certificate could not be given, or a verification or audit check failed.</summary>
    public const int Refused = 1;
    /// <summary>Bad usage, or input that cannot be used (malformed file, invalid option).</summary>
    public const int UsageError = 2;
}
