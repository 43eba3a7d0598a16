using System;
using TransformsSample;

// Usage: Transforms [--plot FILE.png]
return TransformsApp.Run(args, Console.Out, Console.Error);
