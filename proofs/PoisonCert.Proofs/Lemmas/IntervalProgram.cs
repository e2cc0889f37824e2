using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// Evaluates one straight-line update three ways at once, for the optimizer lemmas:
/// <list type="bullet">
///   <item>Exact: the update over the reals at members of the input boxes;</item>
///   <item>Program: the same operations in the same order, each rounded to nearest: a value nearest to the exact
///     result of the operation on the program's own operands among the representable values, instantiated at
///     the engine's endpoints of that operation (<see cref="NearestRounding"/>);</item>
///   <item>Engine: interval arithmetic over independent occurrences, every endpoint outward rounded (a lower
///     endpoint is any value ≤ its formula, an upper one any value ≥ it; <c>tight</c>: equal to it, for the
///     twins).</item>
/// </list>
/// Every operation's result is a fresh variable defined by its own constraints. Two ways to prove enclosure:
/// <see cref="Assumptions"/> for one query over the whole update (the exact track), and
/// <see cref="ProveEachStep"/>, one query per operation: if the operands' values lie in their engine intervals,
/// so does the result. By induction over the operations (the inputs lie in their boxes) the final value lies in
/// the final interval; this is what keeps the program track's queries small. The program track assumes that the
/// program computes in the engine's format, without overflow.
/// </summary>
internal sealed class IntervalProgram
{
    private readonly ProofSession _session;
    private readonly bool _tight;
    private readonly List<BoolExpr> _common = new();
    private readonly List<Step> _steps = new();
    private int _count;

    public IntervalProgram(ProofSession session, bool tight)
    {
        _session = session;
        _tight = tight;
    }

    /// <summary>The twin of the Adam quotient: the upper bound always divides by the SMALLEST denominator.</summary>
    public bool UpperQuotientBySmallestDenominator { get; init; }

    private Context Z => _session.Context;

    public sealed record Value(ArithExpr Exact, ArithExpr Program, ArithExpr Lower, ArithExpr Upper);

    // Constraints: the exact result's and the engine endpoints' definitions, side conditions; ProgramConstraints:
    // the program's rounded result.
    private sealed record Step(Value[] Operands, Value Result, List<BoolExpr> Constraints, List<BoolExpr> ProgramConstraints);

    /// <summary>
    /// The constraints of the exact and engine tracks over the whole update: hyper-parameters, input boxes, every
    /// operation's definitions (not the program's rounding).
    /// </summary>
    public List<BoolExpr> Assumptions => _common.Concat(_steps.SelectMany(s => s.Constraints)).ToList();

    /// <summary>A constraint on the hyper-parameters, included in every query.</summary>
    public void Assume(BoolExpr constraint) => _common.Add(constraint);

    /// <summary>An input box [name_l, name_u] and a member of it (the program's input equals the exact one).</summary>
    public Value Box(string name)
    {
        ArithExpr lower = _session.Real($"{name}_l"), upper = _session.Real($"{name}_u"), member = _session.Real(name);
        var value = new Value(member, member, lower, upper);
        _steps.Add(new Step([], value, [_session.Within(member, lower, upper)], []));
        return value;
    }

    /// <summary>A point constant (a float both the program and the engine use).</summary>
    public static Value Point(ArithExpr constant) => new(constant, constant, constant, constant);

    public Value Add(Value a, Value b)
        => Operation([a, b], (x, y) => Z.MkAdd(x, y), [], Z.MkAdd(a.Lower, b.Lower), Z.MkAdd(a.Upper, b.Upper));

    public Value Subtract(Value a, Value b)
        => Operation([a, b], (x, y) => Z.MkSub(x, y), [], Z.MkSub(a.Lower, b.Upper), Z.MkSub(a.Upper, b.Lower));

    /// <summary>c·[a] for a point constant c ≥ 0: [c·a_l, c·a_u].</summary>
    public Value Scale(ArithExpr constant, Value a)
        => Operation([a], (x, _) => Z.MkMul(constant, x), [Z.MkGe(constant, Z.MkReal(0))], Z.MkMul(constant, a.Lower), Z.MkMul(constant, a.Upper));

    /// <summary>[a]·[b] by the four corners (sign cases).</summary>
    public Value Multiply(Value a, Value b)
    {
        var corners = new ArithExpr[] { Z.MkMul(a.Lower, b.Lower), Z.MkMul(a.Lower, b.Upper), Z.MkMul(a.Upper, b.Lower), Z.MkMul(a.Upper, b.Upper) };
        return Operation([a, b], (x, y) => Z.MkMul(x, y), [], corners.Aggregate(_session.Min), corners.Aggregate(_session.Max));
    }

    /// <summary>[a]/c for a point constant c &gt; 0.</summary>
    public Value DivideByPoint(Value a, ArithExpr constant)
        => Operation([a], (x, _) => Z.MkDiv(x, constant), [Z.MkGt(constant, Z.MkReal(0))], Z.MkDiv(a.Lower, constant), Z.MkDiv(a.Upper, constant));

    /// <summary>
    /// [a]/[d] for a positive denominator (d_l &gt; 0): lower = min(a_l/d_l, a_l/d_u), upper = max(a_u/d_l, a_u/d_u).
    /// </summary>
    public Value Divide(Value a, Value d)
    {
        var lower = _session.Min(Z.MkDiv(a.Lower, d.Lower), Z.MkDiv(a.Lower, d.Upper));
        var upper = UpperQuotientBySmallestDenominator
            ? Z.MkDiv(a.Upper, d.Lower)
            : _session.Max(Z.MkDiv(a.Upper, d.Lower), Z.MkDiv(a.Upper, d.Upper));
        return Operation([a, d], (x, y) => Z.MkDiv(x, y), [Z.MkGt(d.Lower, Z.MkReal(0))], lower, upper);
    }

    /// <summary>[g]² = [mig(g)², mag(g)²].</summary>
    public Value Square(Value a)
    {
        var zero = Z.MkReal(0);
        var mig = (ArithExpr)Z.MkITE(_session.Within(zero, a.Lower, a.Upper), zero,
            _session.Min(_session.Abs(a.Lower), _session.Abs(a.Upper)));
        var mag = _session.Max(_session.Abs(a.Lower), _session.Abs(a.Upper));
        return Operation([a], (x, _) => Z.MkMul(x, x), [], Z.MkMul(mig, mig), Z.MkMul(mag, mag));
    }

    /// <summary>
    /// √[a] for a_l ≥ 0. √x is a variable r ≥ 0 with r² = x; the engine's endpoints are r_l ≥ 0 with r_l² ≤ a_l
    /// (rounded down) and r_u ≥ 0 with r_u² ≥ a_u (rounded up).
    /// </summary>
    public Value Sqrt(Value a)
    {
        var zero = Z.MkReal(0);
        var id = _count++;
        var constraints = new List<BoolExpr> { Z.MkGe(a.Lower, zero) };
        var programConstraints = new List<BoolExpr>();
        ArithExpr Root(ArithExpr x, string role, List<BoolExpr> definitions)
        {
            var r = _session.Real($"v{id}_{role}");
            definitions.Add(Z.MkGe(r, zero));
            definitions.Add(Z.MkEq(Z.MkMul(r, r), x));
            return r;
        }
        var exact = Root(a.Exact, "exact", constraints);
        var programExact = Root(a.Program, "programExact", programConstraints);
        ArithExpr lower = _session.Real($"v{id}_l"), upper = _session.Real($"v{id}_u"), program = _session.Real($"v{id}_program");
        constraints.AddRange([Z.MkGe(lower, zero), Z.MkGe(upper, zero)]);
        constraints.Add(_tight ? Z.MkEq(Z.MkMul(lower, lower), a.Lower) : Z.MkLe(Z.MkMul(lower, lower), a.Lower));
        constraints.Add(_tight ? Z.MkEq(Z.MkMul(upper, upper), a.Upper) : Z.MkGe(Z.MkMul(upper, upper), a.Upper));
        programConstraints.Add(NearestRounding.NearestAmong(_session, programExact, program, lower, upper));
        var value = new Value(exact, program, lower, upper);
        _steps.Add(new Step([a], value, constraints, programConstraints));
        return value;
    }

    /// <summary>sign(θ) with sign(0) = 0, and the engine's [sign(θ_l), sign(θ_u)] (exact in floats: no rounding).</summary>
    public Value Sign(Value a, Func<Value, (ArithExpr Lower, ArithExpr Upper)>? engineRule = null)
    {
        var (lowerFormula, upperFormula) = engineRule?.Invoke(a) ?? (SignOf(a.Lower), SignOf(a.Upper));
        var id = _count++;
        ArithExpr exact = _session.Real($"v{id}_exact"), program = _session.Real($"v{id}_program");
        ArithExpr lower = _session.Real($"v{id}_l"), upper = _session.Real($"v{id}_u");
        var value = new Value(exact, program, lower, upper);
        _steps.Add(new Step([a], value,
            [Z.MkEq(exact, SignOf(a.Exact)), Z.MkEq(lower, lowerFormula), Z.MkEq(upper, upperFormula)],
            [Z.MkEq(program, SignOf(a.Program))]));
        return value;
    }

    public ArithExpr SignOf(ArithExpr x)
    {
        var zero = Z.MkReal(0);
        return (ArithExpr)Z.MkITE(Z.MkGt(x, zero), Z.MkReal(1), Z.MkITE(Z.MkLt(x, zero), Z.MkReal(-1), zero));
    }

    /// <summary>The exact value of <paramref name="value"/> lies in its engine interval.</summary>
    public BoolExpr EnclosesExact(Value value) => _session.Within(value.Exact, value.Lower, value.Upper);

    /// <summary>
    /// One query per operation: the operands' exact and program values in their intervals, the hyper-parameter
    /// constraints and the operation's own constraints imply that the result's are in its interval.
    /// </summary>
    public void ProveEachStep(uint timeoutMilliseconds = ProofSession.DefaultTimeoutMilliseconds)
    {
        foreach (var step in _steps.Where(s => s.Operands.Length > 0))
        {
            var hypotheses = new List<BoolExpr>(_common);
            foreach (var operand in step.Operands)
            {
                hypotheses.Add(_session.Within(operand.Exact, operand.Lower, operand.Upper));
                hypotheses.Add(_session.Within(operand.Program, operand.Lower, operand.Upper));
            }
            hypotheses.AddRange(step.Constraints);
            hypotheses.AddRange(step.ProgramConstraints);
            var result = step.Result;
            _session.Prove(Z.MkAnd(EnclosesExact(result), _session.Within(result.Program, result.Lower, result.Upper)), hypotheses, timeoutMilliseconds);
        }
    }

    // One arithmetic operation op(a[, b]): fresh exact and program results, outward-rounded engine endpoints.
    private Value Operation(Value[] operands, Func<ArithExpr, ArithExpr, ArithExpr> op, BoolExpr[] sideConditions,
        ArithExpr lowerFormula, ArithExpr upperFormula)
    {
        var id = _count++;
        ArithExpr exact = _session.Real($"v{id}_exact"), program = _session.Real($"v{id}_program");
        ArithExpr lower = _session.Real($"v{id}_l"), upper = _session.Real($"v{id}_u");
        var a = operands[0];
        var b = operands.Length > 1 ? operands[1] : operands[0];
        var constraints = new List<BoolExpr>(sideConditions)
        {
            Z.MkEq(exact, op(a.Exact, b.Exact)),
            _tight ? Z.MkEq(lower, lowerFormula) : Z.MkLe(lower, lowerFormula),
            _tight ? Z.MkEq(upper, upperFormula) : Z.MkGe(upper, upperFormula),
        };
        var value = new Value(exact, program, lower, upper);
        _steps.Add(new Step(operands, value, constraints,
            [NearestRounding.NearestAmong(_session, op(a.Program, b.Program), program, lower, upper)]));
        return value;
    }
}
