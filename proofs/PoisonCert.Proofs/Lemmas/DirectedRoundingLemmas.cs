using Microsoft.Z3;

namespace PoisonCert.Proofs.Lemmas;

/// <summary>
/// Interval addition and the exact sign-case interval product with outward rounding
/// (PoisonCert.Numerics.Rounding, Interval&lt;T&gt; operators, and the add/sub/product kernels): round to nearest,
/// then one step outward, contains every exact result. The exactness shortcuts in Rounding (TwoSum and FMA
/// residuals showing the rounded value is already on the safe side) only skip a step that these lemmas show is
/// sufficient, so they are covered by the rounding property tests rather than here.
/// </summary>
public class DirectedRoundingLemmas
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IntervalSum_OutwardRounding_ContainsEverySum(bool doublePrecision)
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = doublePrecision ? RoundingModel.Double(session) : RoundingModel.Single(session);
        var (assumptions, x, y, lower, upper) = SumSetup(session, model, stepOutward: true);
        session.Prove(session.Within(z.MkAdd(x, y), lower, upper), assumptions);
    }

    [Fact]
    public void IntervalSum_WithoutOutwardStep_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var (assumptions, x, y, lower, upper) = SumSetup(session, RoundingModel.Single(session), stepOutward: false);
        session.Refute(session.Within(z.MkAdd(x, y), lower, upper), assumptions);
    }

    private static (List<BoolExpr>, ArithExpr, ArithExpr, ArithExpr, ArithExpr) SumSetup(
        ProofSession session, RoundingModel model, bool stepOutward)
    {
        var z = session.Context;
        ArithExpr a = session.Real("a"), b = session.Real("b"), c = session.Real("c"), d = session.Real("d");
        ArithExpr x = session.Real("x"), y = session.Real("y");
        ArithExpr lowerNearest = session.Real("lowerNearest"), upperNearest = session.Real("upperNearest");
        ArithExpr lower = session.Real("lower"), upper = session.Real("upper");
        var assumptions = new List<BoolExpr>
        {
            session.Within(x, a, b), session.Within(y, c, d),
            model.RoundedToNearest(z.MkAdd(a, c), lowerNearest, "lower"),
            model.RoundedToNearest(z.MkAdd(b, d), upperNearest, "upper"),
        };
        if (stepOutward)
        {
            assumptions.Add(model.SteppedDown(lowerNearest, lower));
            assumptions.Add(model.SteppedUp(upperNearest, upper));
        }
        else
        {
            assumptions.Add(z.MkEq(lower, lowerNearest));
            assumptions.Add(z.MkEq(upper, upperNearest));
        }
        return (assumptions, x, y, lower, upper);
    }

    // The product lemma is proved in three steps, each a separate Z3 query (one query over all of it times out):
    //   1. exact enclosure: x·y lies between the smallest and the largest exact corner product;
    //   2. rounding: each corner's rounded-down value is ≤ the exact corner, each rounded-up value ≥ it;
    //   3. the min of lower bounds of the corners is ≤ the min of the corners (and likewise for the max).
    [Fact]
    public void IntervalProduct_SignCaseWithOutwardRounding_ContainsEveryProduct()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = RoundingModel.Single(session);
        ArithExpr l1 = session.Real("l1"), u1 = session.Real("u1"), l2 = session.Real("l2"), u2 = session.Real("u2");
        ArithExpr x = session.Real("x"), y = session.Real("y");
        var members = new[] { session.Within(x, l1, u1), session.Within(y, l2, u2) };
        var corners = new[] { z.MkMul(l1, l2), z.MkMul(l1, u2), z.MkMul(u1, l2), z.MkMul(u1, u2) };
        session.Prove(session.Within(z.MkMul(x, y), corners.Aggregate(session.Min), corners.Aggregate(session.Max)), members);

        ArithExpr exact = session.Real("exact"), nearest = session.Real("nearest");
        ArithExpr down = session.Real("down"), up = session.Real("up");
        session.Prove(session.Within(exact, down, up),
            [model.RoundedToNearest(exact, nearest, "corner"), model.SteppedDown(nearest, down), model.SteppedUp(nearest, up)]);

        var exactCorners = session.Reals("corner", 4);
        var downs = session.Reals("down", 4);
        var ups = session.Reals("up", 4);
        var ordered = Enumerable.Range(0, 4).Select(i => session.Within(exactCorners[i], downs[i], ups[i])).ToArray();
        session.Prove(z.MkAnd(z.MkLe(downs.Aggregate(session.Min), exactCorners.Aggregate(session.Min)),
            z.MkGe(ups.Aggregate(session.Max), exactCorners.Aggregate(session.Max))), ordered);
    }

    [Fact]
    public void IntervalProduct_OnlyAlignedCorners_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        ArithExpr l1 = session.Real("l1"), u1 = session.Real("u1"), l2 = session.Real("l2"), u2 = session.Real("u2");
        ArithExpr x = session.Real("x"), y = session.Real("y");
        var members = new[] { session.Within(x, l1, u1), session.Within(y, l2, u2) };
        var aligned = new[] { z.MkMul(l1, l2), z.MkMul(u1, u2) };
        session.Refute(session.Within(z.MkMul(x, y), aligned.Aggregate(session.Min), aligned.Aggregate(session.Max)), members);
    }

    [Fact]
    public void CornerRounding_WithoutOutwardStep_IsRefuted()
    {
        using var session = new ProofSession();
        var z = session.Context;
        var model = RoundingModel.Single(session);
        ArithExpr exact = session.Real("exact"), nearest = session.Real("nearest");
        session.Refute(z.MkLe(nearest, exact), [model.RoundedToNearest(exact, nearest, "corner")]);
    }
}
