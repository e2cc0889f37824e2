using PoisonCert.Cli.Progress;

namespace PoisonCert.Tests.Cli;

public class ProgressReporterTests
{
    [Fact]
    public void Run_NotATerminal_WritesPlainLinesWithStepsAndWidth()
    {
        var output = new StringWriter();
        var reporter = new ProgressReporter(output, interactive: false) { PlainInterval = TimeSpan.Zero };
        int result = reporter.Run("train", 100, sink =>
        {
            for (int step = 1; step <= 100; step++)
            {
                sink.Report(step, 1e-6 * step);
            }
            return 7;
        });
        Assert.Equal(7, result);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("train: 100 steps", lines[0]);
        Assert.InRange(lines.Length, 10, 13);
        Assert.StartsWith("train: step 100/100 (100%), mean bound width 1.000E-04", lines[^1]);
        Assert.DoesNotContain('\u001b', output.ToString());
    }

    [Fact]
    public void Run_Interactive_RendersTheBarWithTheBoundWidthColumn()
    {
        var output = new StringWriter();
        var reporter = new ProgressReporter(output, interactive: true);
        reporter.Run("certify", 5, sink =>
        {
            for (int step = 1; step <= 5; step++)
            {
                sink.Report(step, 0.5 * step);
            }
        });
        string text = output.ToString();
        Assert.Contains("certify", text);
        Assert.Contains("width", text);
        Assert.Contains("2.500E+00", text);
    }

    [Fact]
    public void Silent_WritesNothing()
    {
        Assert.Equal(3, ProgressReporter.Silent.Run("x", 3, sink => { sink.Report(3, 1); return 3; }));
    }
}
