using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace PoisonCert.Cli.Progress;

/// <summary>Where a long phase reports how far it is and how wide the parameter bounds are.</summary>
public interface IProgressSink
{
    /// <summary>Step <paramref name="step"/> (1-based) of the phase's total is done; the mean parameter-bound width after it.</summary>
    void Report(int step, double meanBoundWidth);
}

/// <summary>
/// Shows the progress of a phase. On a terminal: a live Spectre.Console bar with the step count, the mean
/// bound width and the time left. Otherwise (CI, a pipe, a file): a plain line at the start, about every tenth
/// of the phase (at most every <see cref="PlainInterval"/> apart, at least every minute) and at the end, so that a log shows
/// steady progress without escape codes.
/// </summary>
public sealed class ProgressReporter
{
    private readonly TextWriter _output;

    public ProgressReporter(TextWriter output, bool interactive)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        Interactive = interactive;
    }

    /// <summary>Live bar when the output is the console, it is not redirected, and neither CI nor TERM=dumb says otherwise.</summary>
    public static ProgressReporter ForConsole(TextWriter output)
    {
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
            && Environment.GetEnvironmentVariable("TERM") is not "dumb";
        return new ProgressReporter(output, terminal);
    }

    /// <summary>A reporter that shows nothing (for tests and quiet runs).</summary>
    public static ProgressReporter Silent { get; } = new(TextWriter.Null, interactive: false);

    public bool Interactive { get; }

    /// <summary>The shortest time between two plain lines (default 2 s), except the first and the last.</summary>
    public TimeSpan PlainInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Runs <paramref name="work"/> while showing its progress over <paramref name="totalSteps"/> steps.</summary>
    public T Run<T>(string phase, int totalSteps, Func<IProgressSink, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfNegative(totalSteps);
        if (!Interactive)
        {
            var plain = new PlainSink(_output, phase, totalSteps, PlainInterval);
            T result = work(plain);
            plain.Finish();
            return result;
        }
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(_output),
            Interactive = InteractionSupport.Yes,
            Ansi = AnsiSupport.Detect,
        });
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new StepColumn(), new BoundWidthColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask(phase, maxValue: Math.Max(totalSteps, 1));
                task.State.Update<double>(BoundWidthColumn.StateKey, _ => double.NaN);
                T result = work(new SpectreSink(task));
                task.Value = task.MaxValue;
                return result;
            });
    }

    public void Run(string phase, int totalSteps, Action<IProgressSink> work) =>
        Run(phase, totalSteps, sink => { work(sink); return 0; });

    internal static string FormatWidth(double width) =>
        double.IsNaN(width) ? "–" : width.ToString("0.000E+00", CultureInfo.InvariantCulture);

    private sealed class SpectreSink(ProgressTask task) : IProgressSink
    {
        public void Report(int step, double meanBoundWidth)
        {
            task.State.Update<double>(BoundWidthColumn.StateKey, _ => meanBoundWidth);
            task.Value = Math.Min(step, task.MaxValue);
        }
    }

    private sealed class PlainSink(TextWriter output, string phase, int total, TimeSpan interval) : IProgressSink
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan? _lastLine;
        private int _lastTenth = -1;
        private int _step;
        private double _width = double.NaN;
        private bool _started;

        public void Report(int step, double meanBoundWidth)
        {
            if (!_started)
            {
                _started = true;
                output.WriteLine($"{phase}: {total} steps");
            }
            _step = step;
            _width = meanBoundWidth;
            int tenth = total == 0 ? 10 : (int)(10L * step / total);
            TimeSpan now = _clock.Elapsed;
            TimeSpan sinceLast = _lastLine is TimeSpan last ? now - last : TimeSpan.MaxValue;
            bool dueByShare = tenth > _lastTenth && sinceLast >= interval;
            bool dueByTime = sinceLast >= TimeSpan.FromMinutes(1);
            if ((dueByShare || dueByTime) && step < total)
            {
                _lastTenth = tenth;
                _lastLine = now;
                Write(now);
            }
        }

        public void Finish()
        {
            if (!_started)
            {
                output.WriteLine($"{phase}: {total} steps");
            }
            Write(_clock.Elapsed);
        }

        private void Write(TimeSpan elapsed)
        {
            int percent = total == 0 ? 100 : (int)(100L * _step / total);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{phase}: step {_step}/{total} ({percent}%), mean bound width {FormatWidth(_width)}, {elapsed.TotalSeconds:F1} s"));
        }
    }
}
