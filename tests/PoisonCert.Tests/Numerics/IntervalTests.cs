using PoisonCert.Numerics;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Numerics;

public class IntervalTests
{
    [Fact]
    public void Constructor_NaNEndpoint_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Interval<float>(float.NaN, 1f));
        Assert.Throws<ArgumentException>(() => new Interval<double>(0, double.NaN));
    }

    [Fact]
    public void Constructor_LowerAboveUpper_ThrowsNamingBothEndpoints()
    {
        var error = Assert.Throws<ArgumentException>(() => new Interval<double>(2, 1));
        Assert.Contains("2", error.Message);
        Assert.Contains("1", error.Message);
    }

    [Fact]
    public void Predicates_CertainAndPossible_AnswerTheirOwnQuestions()
    {
        var low = new Interval<double>(0, 1);
        var overlapping = new Interval<double>(0.5, 2);
        var high = new Interval<double>(3, 4);
        Assert.True(low.IsCertainlyBelow(high));
        Assert.False(low.IsCertainlyBelow(overlapping));
        Assert.True(low.IsPossiblyBelow(overlapping));
        Assert.False(high.IsPossiblyBelow(low));
        Assert.True(new Interval<double>(0.5, 0.75).IsSubsetOf(low));
        Assert.Null(low.Intersect(high));
    }

    [Fact]
    public void Arithmetic_SampledMembers_ContainedWithZeroSlack()
    {
        var sampler = new BoxSampler<double>(11);
        for (var trial = 0; trial < 2000; trial++)
        {
            var (al, au) = sampler.Interval();
            var (bl, bu) = sampler.Interval();
            var a = new Interval<double>(al, au);
            var b = new Interval<double>(bl, bu);
            var sum = a + b;
            var difference = a - b;
            var product = a * b;
            foreach (var x in sampler.Members(al, au))
            foreach (var y in sampler.Members(bl, bu))
            {
                ExactAssert.Contains(sum.Lower, sum.Upper, x + y, "sum");
                ExactAssert.Contains(difference.Lower, difference.Upper, x - y, "difference");
                ExactAssert.Contains(product.Lower, product.Upper, x * y, "product");
            }
            var (center, radius) = a.ToCenterRadius();
            var back = Interval<double>.FromCenterRadius(center, radius);
            Assert.True(a.IsSubsetOf(back), $"{a} not inside its centre-radius form {back}");
        }
    }
}
