using System.Numerics;
using Microsoft.Z3;

namespace PoisonCert.Proofs;

/// <summary>
/// One Z3 context for one lemma. A claim is PROVED by asserting its negation and getting UNSAT; SAT is a
/// counterexample (reported with its model); UNKNOWN and timeouts are failures, never passes. A deliberately
/// wrong twin of each lemma is REFUTED: its negation must be SAT, which shows that the encoding can fail.
/// </summary>
public sealed class ProofSession : IDisposable
{
    public const uint DefaultTimeoutMilliseconds = 60_000; // generous: a loaded machine must not turn a proof into a timeout (a timeout still fails)

    public Context Context { get; }

    public ProofSession()
    {
        try
        {
            Context = new Context(new Dictionary<string, string> { ["model"] = "true" });
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            throw new InvalidOperationException(
                "Z3 could not be loaded. On Debian/Ubuntu run 'bash scripts/install-system-deps.sh' (installs libz3-dev " +
                "and gcc) and rebuild: the build compiles a small libz3.so shim next to the proofs assembly.", error);
        }
    }

    /// <summary>The exact rational value of a float or double (every finite binary float is m·2^e).</summary>
    public RatNum Exact(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"{value} has no rational value.");
        if (value == 0) return Context.MkReal(0);
        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) exponent = 1; else mantissa |= 1L << 52;
        exponent -= 1075;
        var numerator = new BigInteger(negative ? -mantissa : mantissa);
        var denominator = BigInteger.One;
        if (exponent >= 0) numerator <<= exponent; else denominator <<= -exponent;
        return Context.MkReal($"{numerator}/{denominator}");
    }

    public RatNum Exact(float value) => Exact((double)value);

    /// <summary>2^exponent as an exact rational (for unit roundoffs such as 2⁻²⁴).</summary>
    public RatNum PowerOfTwo(int exponent)
        => exponent >= 0
            ? Context.MkReal((BigInteger.One << exponent).ToString())
            : Context.MkReal($"1/{BigInteger.One << -exponent}");

    public ArithExpr Real(string name) => Context.MkRealConst(name);

    public ArithExpr[] Reals(string prefix, int count)
        => Enumerable.Range(0, count).Select(i => (ArithExpr)Context.MkRealConst($"{prefix}{i}")).ToArray();

    public BoolExpr Within(ArithExpr x, ArithExpr lower, ArithExpr upper)
        => Context.MkAnd(Context.MkLe(lower, x), Context.MkLe(x, upper));

    /// <summary>|δ| ≤ u for a rounding variable δ.</summary>
    public BoolExpr RoundingError(ArithExpr delta, ArithExpr unitRoundoff)
        => Within(delta, Context.MkUnaryMinus(unitRoundoff), unitRoundoff);

    public ArithExpr Min(ArithExpr a, ArithExpr b) => (ArithExpr)Context.MkITE(Context.MkLe(a, b), a, b);

    public ArithExpr Max(ArithExpr a, ArithExpr b) => (ArithExpr)Context.MkITE(Context.MkGe(a, b), a, b);

    public ArithExpr Abs(ArithExpr a) => (ArithExpr)Context.MkITE(Context.MkGe(a, Context.MkReal(0)), a, Context.MkUnaryMinus(a));

    /// <summary>The product part of split proofs: |x| ≤ X ∧ |y| ≤ Y ⇒ |x·y| ≤ X·Y (an implication, instantiated at the terms a query uses).</summary>
    public BoolExpr ProductBound(ArithExpr x, ArithExpr y, ArithExpr xBound, ArithExpr yBound)
        => Context.MkImplies(Context.MkAnd(Context.MkLe(Abs(x), xBound), Context.MkLe(Abs(y), yBound)),
            Context.MkLe(Abs(Context.MkMul(x, y)), Context.MkMul(xBound, yBound)));

    /// <summary>Proves <see cref="ProductBound"/> over fresh reals, once, for the proofs that instantiate it.</summary>
    public void ProveProductBound()
    {
        ArithExpr x = Real("px"), y = Real("py"), xBound = Real("pX"), yBound = Real("pY");
        Prove(ProductBound(x, y, xBound, yBound), []);
    }

    public ArithExpr Sum(IEnumerable<ArithExpr> terms)
    {
        var list = terms.ToList();
        return list.Count == 0 ? Context.MkReal(0) : list.Count == 1 ? list[0] : Context.MkAdd(list);
    }

    /// <summary>
    /// Proves that <paramref name="claim"/> holds for every assignment satisfying <paramref name="assumptions"/>.
    /// Throws <see cref="LemmaFailedException"/> on a counterexample, on UNKNOWN and on timeout.
    /// </summary>
    public void Prove(BoolExpr claim, IEnumerable<BoolExpr> assumptions, uint timeoutMilliseconds = DefaultTimeoutMilliseconds)
    {
        var (status, detail) = CheckNegation(claim, assumptions, timeoutMilliseconds);
        switch (status)
        {
            case Status.UNSATISFIABLE:
                return;
            case Status.SATISFIABLE:
                throw new LemmaFailedException($"Counterexample found:\n{detail}");
            default:
                throw new LemmaFailedException($"Z3 answered UNKNOWN ({detail}); an unknown is a failure, not a proof.");
        }
    }

    /// <summary>
    /// Asserts that a deliberately wrong claim is refuted: Z3 must find a counterexample (SAT). Returns its model.
    /// UNSAT (the wrong claim was "proved") and UNKNOWN both throw.
    /// </summary>
    public string Refute(BoolExpr wrongClaim, IEnumerable<BoolExpr> assumptions, uint timeoutMilliseconds = DefaultTimeoutMilliseconds)
    {
        var (status, detail) = CheckNegation(wrongClaim, assumptions, timeoutMilliseconds);
        return status switch
        {
            Status.SATISFIABLE => detail,
            Status.UNSATISFIABLE => throw new LemmaFailedException("The deliberately wrong claim was proved: the encoding cannot fail."),
            _ => throw new LemmaFailedException($"Z3 answered UNKNOWN ({detail}) on a claim that must be refuted."),
        };
    }

    /// <summary>
    /// True when the claim is proved (negation UNSAT), false when a counterexample exists (SAT); UNKNOWN and
    /// timeouts throw. For searches over many instances in which some must fail.
    /// </summary>
    public bool Holds(BoolExpr claim, IEnumerable<BoolExpr> assumptions, uint timeoutMilliseconds = DefaultTimeoutMilliseconds)
    {
        var (status, detail) = CheckNegation(claim, assumptions, timeoutMilliseconds);
        return status switch
        {
            Status.UNSATISFIABLE => true,
            Status.SATISFIABLE => false,
            _ => throw new LemmaFailedException($"Z3 answered UNKNOWN ({detail}); an unknown is a failure, not a proof."),
        };
    }

    private (Status Status, string Detail) CheckNegation(BoolExpr claim, IEnumerable<BoolExpr> assumptions, uint timeoutMilliseconds)
    {
        var solver = Context.MkSolver();
        var parameters = Context.MkParams();
        parameters.Add("timeout", timeoutMilliseconds);
        solver.Parameters = parameters;
        foreach (var assumption in assumptions) solver.Assert(assumption);
        solver.Assert(Context.MkNot(claim));
        // Z3's nonlinear solver does not always honour its own timeout, so a wall-clock guard interrupts the
        // context (Z3_interrupt is safe from another thread); an interrupted check answers UNKNOWN, a failure.
        using var guard = new Timer(_ => Context.Interrupt(), null, (int)timeoutMilliseconds + 1_000, Timeout.Infinite);
        var status = solver.Check();
        var detail = status switch
        {
            Status.SATISFIABLE => solver.Model.ToString(),
            Status.UNKNOWN => solver.ReasonUnknown,
            _ => "",
        };
        return (status, detail);
    }

    public void Dispose() => Context.Dispose();
}

/// <summary>A lemma that did not prove: a counterexample, UNKNOWN or a timeout.</summary>
public sealed class LemmaFailedException : Exception
{
    public LemmaFailedException(string message) : base(message) { }
}
