using AutoDiffGen;

namespace ParabolaSample;

/// <summary>
/// The functions to minimize. AutoDiffGen adds <c>FGradient</c>/<c>FPullback</c> and
/// <c>BowlGradient</c>/<c>BowlPullback</c> to this class at compile time.
/// </summary>
public static partial class ParabolaFunctions
{
    /// <summary>The parabola f(x) = x², whose derivative is 2x.</summary>
    [Differentiable]
    public static double F(double x) => x * x;

    /// <summary>The bowl z = x² + y², whose gradient is (2x, 2y).</summary>
    [Differentiable]
    public static double Bowl(double x, double y)
    {
        return x * x + y * y;
    }
}
