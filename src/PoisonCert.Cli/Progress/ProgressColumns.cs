using Spectre.Console;
using Spectre.Console.Rendering;

namespace PoisonCert.Cli.Progress;

/// <summary>The mean parameter-bound width after the latest step, e.g. "width 1.234E-05".</summary>
internal sealed class BoundWidthColumn : ProgressColumn
{
    public const string StateKey = "poisoncert.boundWidth";

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        double width = task.State.Get<double>(StateKey);
        return new Markup($"[grey]width[/] {ProgressReporter.FormatWidth(width)}");
    }

    public override int? GetColumnWidth(RenderOptions options) => 16;
}

/// <summary>"step/total", right-aligned.</summary>
internal sealed class StepColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text($"{(int)task.Value}/{(int)task.MaxValue}").RightJustified();
}
