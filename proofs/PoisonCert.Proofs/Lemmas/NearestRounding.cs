using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// Round to nearest as the choice of a NEAREST REPRESENTABLE value, for lemmas about the value a float program
/// computes: c = fl(r) is representable and |c − r| ≤ |f − r| for every representable f. The set of representable
/// numbers is left abstract (any format, any tie rule, no overflow), so these lemmas hold for float and double
/// alike. <see cref="MonotoneRoundingLemmas"/> proves from the quantified definition that an exact result lying
/// between two representable bounds is rounded to a value between them; the other lemmas use the definition's
/// instances at the engine's endpoints (which are floats), which is what that proof uses.
/// </summary>
internal static class NearestRounding
{
    /// <summary>
    /// Instances of the nearest property of <paramref name="rounded"/> = fl(<paramref name="exact"/>) at the given
    /// representable values: |rounded − exact| ≤ |f − exact| for each f.
    /// </summary>
    public static BoolExpr NearestAmong(ProofSession session, ArithExpr exact, ArithExpr rounded, params ArithExpr[] representable)
    {
        var z = session.Context;
        var distance = session.Abs(z.MkSub(rounded, exact));
        return z.MkAnd(representable.Select(f => z.MkLe(distance, session.Abs(z.MkSub(f, exact)))).ToArray());
    }
}
