using System.CommandLine;

namespace PoisonCert.Cli;

/// <summary>
/// Entry point of the <c>poisoncert</c> command. Exit codes: 0 success, 1 certificate refused or check failed,
/// 2 usage or input error.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand(
            "PoisonCert certifies that models trained by gradient descent are robust to training-data poisoning: " +
            "it trains while propagating sound bounds and returns a parameter box that contains every poisoned run.");
        root.SetAction(parseResult =>
        {
            try
            {
                return KernelDemonstration.Run(Console.Out);
            }
            catch (PoisonCertException error)
            {
                Console.Error.WriteLine($"poisoncert: {error.Message}");
                return ExitCodes.UsageError;
            }
        });
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"poisoncert: {error.Message}");
            Console.Error.WriteLine("Run 'poisoncert --help' for usage.");
            return ExitCodes.UsageError;
        }
        return parsed.Invoke();
    }

    public static string Version =>
        typeof(Program).Assembly.GetName().Version?.ToString(3) ?? "unknown";
}
