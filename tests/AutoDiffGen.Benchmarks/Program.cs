using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace AutoDiffGen.Benchmarks;

public static class Program
{
    /// <summary>
    /// <c>--verify</c>: run the correctness checks and the generator's incremental check, then exit (non-zero on failure).
    /// Anything else goes to BenchmarkDotNet (for example <c>--filter '*'</c>), after the same checks.
    /// <code>
    /// dotnet run -c Release --project tests/AutoDiffGen.Benchmarks -- --filter '*'
    /// dotnet run -c Release --project tests/AutoDiffGen.Benchmarks -- --verify
    /// </code>
    /// </summary>
    public static int Main(string[] args)
    {
        bool verifyOnly = args.Contains("--verify");
        bool ok = Verification.Run(Console.Out);
        if (verifyOnly || !ok)
        {
            return ok ? 0 : 1;
        }
        // Jobs and columns come from BenchmarkConfig on each class; reports go next to the program (under bin/),
        // not into whatever directory the command was started from.
        IConfig config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}
