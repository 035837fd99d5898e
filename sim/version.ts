/** Version of the simulation engine and model; results carry it so they can be reproduced. Kept equal to package.json's version (tested). */
export const ENGINE_VERSION = '0.1.0';
