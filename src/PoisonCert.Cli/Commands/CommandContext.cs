using PoisonCert.Cli.Datasets;
using PoisonCert.Cli.Engine;
using PoisonCert.Cli.Progress;
using PoisonCert.Data;

namespace PoisonCert.Cli.Commands;

/// <summary>What the commands' actions use: the writers, the engine, progress display, the dataset registry and the cache fetcher.</summary>
public sealed class CommandContext
{
    public required TextWriter Output { get; init; }

    public required TextWriter Error { get; init; }

    public required IRunEngine Engine { get; init; }

    public Func<TextWriter, ProgressReporter> Progress { get; init; } = ProgressReporter.ForConsole;

    public Func<DatasetRegistry> Registry { get; init; } = () => new DatasetRegistry();

    public Func<DatasetRegistry, DatasetFetcher> Fetcher { get; init; } = registry => new DatasetFetcher(registry.CacheFolder, new SystemProcessRunner());

    /// <summary>
    /// Runs an action, turning the errors PoisonCert raises on purpose into a message on <see cref="Error"/> and an
    /// exit code: 1 for a bound violation (no certificate), 2 for bad input or configuration, or a file that cannot
    /// be read or written (e.g. an output path taken by a folder).
    /// </summary>
    public int Guard(string command, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (BoundViolationException error)
        {
            Error.WriteLine($"poisoncert {command}: {error.Message}");
            return ExitCodes.Refused;
        }
        catch (PoisonCertException error)
        {
            Error.WriteLine($"poisoncert {command}: {error.Message}");
            return ExitCodes.UsageError;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            Error.WriteLine($"poisoncert {command}: {error.Message}");
            return ExitCodes.UsageError;
        }
    }
}
