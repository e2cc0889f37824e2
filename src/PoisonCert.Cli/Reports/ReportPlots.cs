using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace PoisonCert.Cli.Reports;

/// <summary>The report's PNG plots (ScottPlot 5, rendered headless with SkiaSharp).</summary>
internal static class ReportPlots
{
    public const int Width = 900;
    public const int Height = 540;
    private const float TitleSize = 22, LabelSize = 18, TickSize = 15, LegendSize = 15;

    private static readonly Color Nominal = Color.FromHex("#4C72B0");
    private static readonly Color Certified = Color.FromHex("#DD8452");

    /// <summary>Mean bound width per step on a log-scale y axis (the data are plotted as log10 with 10^k tick labels).</summary>
    public static void BoundWidths(IReadOnlyList<double> widths, string runName, string path)
    {
        var plot = NewPlot($"Parameter-bound width per step — {runName}", "optimizer step", "mean bound width (upper − lower)");
        double[] steps = [.. Enumerable.Range(1, widths.Count).Select(step => (double)step).Where((_, index) => widths[index] > 0)];
        double[] logWidths = [.. widths.Where(width => width > 0).Select(Math.Log10)];
        var line = plot.Add.Scatter(steps, logWidths);
        line.Color = Certified;
        line.LineWidth = 2.5f;
        line.MarkerSize = widths.Count <= 60 ? 6 : 0;
        var ticks = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = exponent => FormatPower(exponent),
        };
        plot.Axes.Left.TickGenerator = ticks;
        plot.Grid.MajorLineColor = Colors.Black.WithOpacity(0.15);
        plot.Grid.MinorLineColor = Colors.Black.WithOpacity(0.05);
        plot.Grid.MinorLineWidth = 1;
        if (logWidths.Length > 0)
        {
            double low = Math.Floor(logWidths.Min()), high = Math.Ceiling(logWidths.Max());
            plot.Axes.SetLimitsY(low - (high == low ? 1 : 0.05), high + (high == low ? 1 : 0.05));
            plot.Axes.SetLimitsX(0.5, Math.Max(steps.Max(), 1) + 0.5);
        }
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Nominal versus certified value of each metric, side by side.</summary>
    public static void Metrics(IReadOnlyList<(string Name, double Nominal, double Certified)> metrics, string runName, string path)
    {
        var plot = NewPlot($"Nominal versus certified — {runName}", "", "value on the test set");
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        for (int index = 0; index < metrics.Count; index++)
        {
            double center = index * 3;
            bars.Add(new Bar { Position = center - 0.45, Value = metrics[index].Nominal, FillColor = Nominal, Size = 0.9, Label = Format(metrics[index].Nominal), CenterLabel = false });
            bars.Add(new Bar { Position = center + 0.45, Value = metrics[index].Certified, FillColor = Certified, Size = 0.9, Label = Format(metrics[index].Certified), CenterLabel = false });
            ticks.Add(new Tick(center, metrics[index].Name, isMajor: true));
        }
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = TickSize;
        plot.Axes.Bottom.TickGenerator = new NumericManual([.. ticks]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = LabelSize;
        double top = metrics.Count == 0 ? 1 : Math.Max(1, metrics.Max(metric => Math.Max(metric.Nominal, metric.Certified)));
        plot.Axes.SetLimitsY(0, top * 1.15);
        plot.Axes.SetLimitsX(-1.5, Math.Max(metrics.Count - 1, 0) * 3 + 1.5);
        plot.HideGrid();
        plot.Grid.YAxisStyle.IsVisible = true;
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "nominal (clean model)", FillColor = Nominal });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "certified (every poisoned run)", FillColor = Certified });
        plot.Legend.FontSize = LegendSize;
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>The certified metric against the budget k, one line per ε.</summary>
    public static void Sweep(IReadOnlyList<SweepPoint> points, string metricName, string runName, string path)
    {
        var plot = NewPlot($"{Capitalize(metricName)} versus poisoning budget — {runName}", "poisoned points per batch (k)", metricName);
        var palette = new ScottPlot.Palettes.Category10();
        int index = 0;
        foreach (IGrouping<double, SweepPoint> series in points.GroupBy(point => point.Epsilon).OrderBy(group => group.Key))
        {
            SweepPoint[] ordered = [.. series.OrderBy(point => point.Budget)];
            var line = plot.Add.Scatter(ordered.Select(point => (double)point.Budget).ToArray(), ordered.Select(point => point.Certified).ToArray());
            line.LegendText = $"ε = {series.Key.ToString("R", CultureInfo.InvariantCulture)}";
            line.Color = palette.GetColor(index++);
            line.LineWidth = 2.5f;
            line.MarkerSize = 8;
        }
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        if (points.Count > 0)
        {
            double low = Math.Min(0, points.Min(point => point.Certified));
            double high = Math.Max(1, points.Max(point => point.Certified));
            plot.Axes.SetLimitsY(low, high * 1.05);
            double kMax = points.Max(point => point.Budget);
            plot.Axes.SetLimitsX(-0.05 * Math.Max(kMax, 1), kMax * 1.05 + (kMax == 0 ? 1 : 0));
        }
        plot.Legend.FontSize = LegendSize;
        // A growing worst-case MSE ends at the upper right; a falling certified share leaves the upper right free.
        plot.ShowLegend(metricName.Contains("MSE", StringComparison.Ordinal) ? Alignment.UpperLeft : Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>
    /// The input plane of a two-feature classifier: cells whose class is certified in the class's colour, cells that
    /// some poisoned model may classify otherwise in grey, the training points on top.
    /// </summary>
    public static void Region(Commands.RegionData region, string runName, string threat, string path)
    {
        var plot = NewPlot($"Certified prediction region — {runName}", "x1", "x2");
        Color[] certifiedColors = [Color.FromHex("#9DB8DE"), Color.FromHex("#F2BE98"), Color.FromHex("#A8D5A2")];
        Color[] pointColors = [Color.FromHex("#1F4E99"), Color.FromHex("#B5490F"), Color.FromHex("#2E7D32")];
        Color[] uncertainColors = [Color.FromHex("#C8CEDA"), Color.FromHex("#E2CFC2"), Color.FromHex("#CAD6C8")];
        int n = region.Resolution;
        double cellX = (region.XMax - region.XMin) / (n - 1), cellY = (region.YMax - region.YMin) / (n - 1);
        for (int row = 0; row < n; row++)
            for (int column = 0; column < n; column++)
            {
                int cell = row * n + column;
                double x = region.XMin + cellX * column, y = region.YMin + cellY * row;
                // Slightly overlapping cells, so no seams show between them.
                var rectangle = plot.Add.Rectangle(x - 0.51 * cellX, x + 0.51 * cellX, y - 0.51 * cellY, y + 0.51 * cellY);
                int predicted = region.Predictions[cell] % certifiedColors.Length;
                var color = region.Stable[cell] ? certifiedColors[predicted] : uncertainColors[predicted];
                rectangle.FillColor = color;
                rectangle.LineWidth = 0;
                rectangle.LineColor = color;
            }
        foreach (var group in region.TrainingPoints.GroupBy(p => p.Label).OrderBy(g => g.Key))
        {
            var points = plot.Add.ScatterPoints(group.Select(p => p.X).ToArray(), group.Select(p => p.Y).ToArray());
            points.Color = pointColors[group.Key % pointColors.Length];
            points.MarkerSize = 6;
            points.MarkerShape = MarkerShape.FilledCircle;
        }
        int classes = Math.Max(2, region.TrainingPoints.Select(p => p.Label).DefaultIfEmpty(0).Max() + 1);
        for (int label = 0; label < classes; label++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"certified class {label}", FillColor = certifiedColors[label % certifiedColors.Length] });
        for (int label = 0; label < classes; label++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"not certified (clean model: {label})", FillColor = uncertainColors[label % uncertainColors.Length] });
        foreach (var group in region.TrainingPoints.GroupBy(p => p.Label).OrderBy(g => g.Key))
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"training point, class {group.Key}", MarkerColor = pointColors[group.Key % pointColors.Length], MarkerShape = MarkerShape.FilledCircle, MarkerSize = 8, LineWidth = 0 });
        plot.Legend.FontSize = 13;
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.ShowLegend(Edge.Bottom);
        plot.Axes.SetLimits(region.XMin - cellX / 2, region.XMax + cellX / 2, region.YMin - cellY / 2, region.YMax + cellY / 2);
        plot.HideGrid();
        plot.SavePng(path, Width, 680);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.Title(title, title.Length > 64 ? TitleSize * 64 / title.Length : TitleSize); // long run names still fit the width
        plot.XLabel(xLabel, LabelSize);
        plot.YLabel(yLabel, LabelSize);
        plot.Axes.Left.TickLabelStyle.FontSize = TickSize;
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickSize;
        return plot;
    }

    private static string FormatPower(double exponent)
    {
        int power = (int)Math.Round(exponent);
        return power switch
        {
            0 => "1",
            1 => "10",
            _ => "1e" + power.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string Format(double value) => Math.Abs(value) >= 0.01 || value == 0
        ? value.ToString("0.###", CultureInfo.InvariantCulture)
        : value.ToString("0.##E+0", CultureInfo.InvariantCulture);

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
