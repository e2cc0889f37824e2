using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace PoisonCert.Cli.Commands;

/// <summary>
/// Typed options and arguments whose values are parsed here, so that a bad value is a parse error (exit code 2)
/// whose message names the option and says what was expected.
/// </summary>
internal static class OptionParsers
{
    public static Option<int[]> NonNegativeIntegerList(string name, string description) => new(name)
    {
        Description = description,
        Required = true,
        HelpName = "K,K,…",
        CustomParser = result => ParseList<int>(result, name, "a comma-separated list of non-negative integers (e.g. 0,1,5,10)",
            text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : (int?)null),
    };

    public static Option<double[]> NonNegativeNumberList(string name, string description) => new(name)
    {
        Description = description,
        Required = true,
        HelpName = "E,E,…",
        CustomParser = result => ParseList<double>(result, name, "a comma-separated list of non-negative numbers (e.g. 0.01,0.05)",
            text => double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double value)
                && double.IsFinite(value) ? value : (double?)null),
    };

    public static Option<int> PositiveInteger(string name, string description, int defaultValue) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => SingleValue<int>(result, name, "a positive integer",
            text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : (int?)null) ?? defaultValue,
    };

    /// <summary>What a sweep's k counts: "features" or "labels".</summary>
    public static Option<string> SweepTarget(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "features|labels",
        DefaultValueFactory = _ => "features",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 1 && result.Tokens[0].Value is "features" or "labels") return result.Tokens[0].Value;
            result.AddError($"{name}: expected 'features' or 'labels', got '{string.Join(" ", result.Tokens.Select(t => t.Value))}'");
            return "features";
        },
    };

    public static Option<long> NonNegativeLong(string name, string description, long defaultValue) => new(name)
    {
        Description = description,
        HelpName = "BYTES",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => SingleValue<long>(result, name, "a non-negative number of bytes",
            text => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : (long?)null) ?? defaultValue,
    };

    public static Option<ulong> Seed(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "SEED",
        DefaultValueFactory = _ => 0,
        CustomParser = result => SingleValue<ulong>(result, name, "a non-negative 64-bit integer",
            text => ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) ? value : (ulong?)null) ?? 0,
    };

    /// <summary>An output folder: it may exist (as a folder) or not yet, but must not be an existing file.</summary>
    public static Option<string?> OutputFolder(string description) => new("--out", "-o")
    {
        Description = description,
        HelpName = "DIR",
        CustomParser = result => SingleText(result, "--out", "a folder (it must not be an existing file)",
            text => text.Length > 0 && !File.Exists(text) ? text : null, explain: text => File.Exists(text) ? $"'{text}' is an existing file" : null),
    };

    /// <summary>An output file: it may exist (as a file) or not yet, but must not be an existing folder.</summary>
    public static Option<string?> OutputFile(string name, string description, bool required) => new(name, "-o")
    {
        Description = description,
        HelpName = "FILE",
        Required = required,
        CustomParser = result => SingleText(result, name, "a file path (it must not be an existing folder)",
            text => text.Length > 0 && !Directory.Exists(text) ? text : null, explain: text => Directory.Exists(text) ? $"'{text}' is an existing folder" : null),
    };

    public static Option<string?> ExistingFile(string name, string description, string helpName = "FILE") => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result => SingleText(result, name, "an existing file",
            text => File.Exists(text) ? text : null, explain: text => $"no file '{text}'"),
    };

    public static Argument<string?> ExistingFileArgument(string name, string description, bool required) => new(name)
    {
        Description = description,
        Arity = required ? ArgumentArity.ExactlyOne : ArgumentArity.ZeroOrOne,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }
            string text = result.Tokens[0].Value;
            if (!File.Exists(text))
            {
                result.AddError($"{name}: no file '{text}'" + (Directory.Exists(text) ? " (it is a folder)" : ""));
                return null;
            }
            return text;
        },
    };

    private static T[]? ParseList<T>(ArgumentResult result, string name, string expected, Func<string, T?> parse) where T : struct
    {
        string text = string.Join(",", result.Tokens.Select(token => token.Value));
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new List<T>();
        foreach (string part in parts)
        {
            if (parse(part) is T value)
            {
                values.Add(value);
            }
            else
            {
                result.AddError($"{name}: expected {expected}, got '{text}' ('{part}' is not one)");
                return null;
            }
        }
        if (values.Distinct().Count() != values.Count)
        {
            result.AddError($"{name}: expected {expected} without repeats, got '{text}'");
            return null;
        }
        return [.. values];
    }

    private static string? SingleText(ArgumentResult result, string name, string expected, Func<string, string?> parse, Func<string, string?>? explain = null)
    {
        if (result.Tokens.Count != 1)
        {
            result.AddError($"{name}: expected {expected}");
            return null;
        }
        string text = result.Tokens[0].Value;
        string? value = parse(text);
        if (value is null)
        {
            string? reason = explain?.Invoke(text);
            result.AddError($"{name}: expected {expected}, got '{text}'{(reason is null ? "" : $" ({reason})")}");
        }
        return value;
    }

    private static T? SingleValue<T>(ArgumentResult result, string name, string expected, Func<string, T?> parse) where T : struct
    {
        if (result.Tokens.Count != 1)
        {
            result.AddError($"{name}: expected {expected}");
            return null;
        }
        string text = result.Tokens[0].Value;
        T? value = parse(text);
        if (value is null)
        {
            result.AddError($"{name}: expected {expected}, got '{text}'");
        }
        return value;
    }
}
