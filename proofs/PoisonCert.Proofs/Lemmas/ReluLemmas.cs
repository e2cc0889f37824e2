using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// ReLU transformers (Relu and ReluDerivativeBox kernels, Interval.Relu): relu(x) = max(x, 0) maps [l, u] into
/// [max(l, 0), max(u, 0)] exactly (no rounding: max is exact), and the derivative the engine uses (1 for x &gt; 0,
/// 0 for x ≤ 0) lies in [1{l &gt; 0}, 1{u &gt; 0}].
/// </summary>
public class ReluLemmas
{
    [Fact]
    public void ReluBox_AnyMember_ContainsRelu()
    {
        using var session = new ProofSession();
        var z = session.Context;
        ArithExpr l = session.Real("l"), u = session.Real("u"), x = session.Real("x");
        var zero = z.MkReal(0);
        var relu = session.Max(x, zero);
        session.Prove(session.Within(relu, session.Max(l, zero), session.Max(u, zero)), [session.Within(x, l, u)]);
    }

    [Fact]
    public void ReluDerivativeBox_AnyMember_ContainsDerivative()
    {
        using var session = new ProofSession();
        var (assumptions, derivative, lower, upper) = DerivativeSetup(session, strictLower: true);
        session.Prove(session.Within(derivative, lower, upper), assumptions);
    }

    [Fact]
    public void ReluDerivativeBox_NonStrictLowerTest_IsRefuted()
    {
        using var session = new ProofSession();
        var (assumptions, derivative, lower, upper) = DerivativeSetup(session, strictLower: false);
        session.Refute(session.Within(derivative, lower, upper), assumptions);
    }

    private static (BoolExpr[], ArithExpr, ArithExpr, ArithExpr) DerivativeSetup(ProofSession session, bool strictLower)
    {
        var z = session.Context;
        ArithExpr l = session.Real("l"), u = session.Real("u"), x = session.Real("x");
        ArithExpr zero = z.MkReal(0), one = z.MkReal(1);
        ArithExpr Step(BoolExpr condition) => (ArithExpr)z.MkITE(condition, one, zero);
        var derivative = Step(z.MkGt(x, zero));
        var lower = Step(strictLower ? z.MkGt(l, zero) : z.MkGe(l, zero));
        var upper = Step(z.MkGt(u, zero));
        return ([session.Within(x, l, u)], derivative, lower, upper);
    }
}
