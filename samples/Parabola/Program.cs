using System;
using ParabolaSample;

// Usage: Parabola [--steps N] [--rate R] [--plot FILE.png]
return ParabolaApp.Run(args, Console.Out, Console.Error);
