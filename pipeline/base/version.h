/* pipeline/version.h - the one place the version is written. */
#ifndef FTK_VERSION_H
#define FTK_VERSION_H
#define FTK_VERSION "0.1.0"
#endif
