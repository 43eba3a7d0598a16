using System.Linq;
using System.Reflection;

namespace AutoDiffGen.Generator.Tests;

public class SmokeTests
{
    [Fact]
    public void A_square_gets_a_gradient_that_compiles_and_runs()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using AutoDiffGen;
            public static partial class M
            {
                [Differentiable] public static double F(double x) => x * x;
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationProblems);
        MethodInfo gradient = run.Load().GetType("M")!.GetMethod("FGradient")!;
        object?[] args = [3.0, null];
        double value = (double)gradient.Invoke(null, args)!;
        Assert.Equal(9.0, value);
        Assert.Equal(6.0, (double)args[1]!);
    }
}
